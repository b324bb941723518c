using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Messages;
using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansChat.Grains.Streaming;

/// <summary>
/// The rooms' streams as the relay writes them: provider <see cref="ChatNames.StreamProvider"/>,
/// namespace <see cref="ChatNames.RoomEventsNamespace"/>, key = room id. Whichever provider runs
/// (memory streams, Kafka), a batch goes out as one publish and completes once the provider took it.
/// </summary>
public sealed class RoomStreams(IServiceProvider services)
{
    /// <summary>Handles kept at most; a cache, not a registry (handles are cheap to make again).</summary>
    private const int MaxCached = 10_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, IAsyncStream<RoomEvent>> _streams = new(StringComparer.Ordinal);
    private IStreamProvider? _provider;

    public Task PublishAsync(string roomId, IReadOnlyList<RoomEvent> events)
    {
        var stream = StreamOf(roomId);
        return events.Count == 1 ? stream.OnNextAsync(events[0]) : stream.OnNextBatchAsync(events);
    }

    private IAsyncStream<RoomEvent> StreamOf(string roomId)
    {
        lock (_lock)
        {
            // Resolved on first use: the provider exists only once the silo is built.
            _provider ??= services.GetRequiredKeyedService<IStreamProvider>(ChatNames.StreamProvider);
            if (!_streams.TryGetValue(roomId, out var stream))
            {
                if (_streams.Count >= MaxCached)
                {
                    _streams.Clear();
                }

                stream = _provider.GetStream<RoomEvent>(StreamId.Create(ChatNames.RoomEventsNamespace, roomId));
                _streams[roomId] = stream;
            }

            return stream;
        }
    }
}
