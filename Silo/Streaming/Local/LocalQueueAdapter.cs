using System.Collections.Concurrent;
using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansChat.Silo.Streaming.Local;

/// <summary>
/// Streams kept in this silo's memory: a publish lands in a queue of the silo that made it, and
/// that silo's pulling agents deliver it to the consumers (on any silo). Publishing is therefore a
/// local enqueue — no grain call — and an idle silo's agents look only at their own memory.
/// </summary>
internal sealed class LocalQueueAdapter(string name, IStreamQueueMapper mapper, int capacity) : IQueueAdapter
{
    private readonly ConcurrentDictionary<QueueId, LocalQueue> _queues = new();

    public string Name { get; } = name;

    /// <summary>Delivered events are gone; a consumer that needs more goes to the message store.</summary>
    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new ArgumentException("silo-local streams do not take sequence tokens from publishers", nameof(token));
        }

        QueueOf(mapper.GetQueueForStream(streamId)).Add(streamId, events.Cast<object>().ToList(), requestContext);
        return Task.CompletedTask;
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => new LocalQueueReceiver(QueueOf(queueId));

    private LocalQueue QueueOf(QueueId queueId) => _queues.GetOrAdd(queueId, static (_, capacity) => new LocalQueue(capacity), capacity);
}
