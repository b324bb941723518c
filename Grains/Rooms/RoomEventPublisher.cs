using Microsoft.Extensions.Logging;
using OrleansChat.Messages;
using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansChat.Grains.Rooms;

/// <summary>
/// Publishes a room's events on its stream (<see cref="ChatNames.StreamProvider"/>, namespace
/// <see cref="ChatNames.RoomEventsNamespace"/>, key = room id). The grain does not know which
/// provider runs; whatever the provider's failure, the caller sees one clear exception and the
/// operation that produced the event is not acknowledged.
/// </summary>
/// <remarks>
/// One publish is in flight at a time and events that arrive meanwhile go out together as one
/// batch, in the order they were handed in. So a busy room pays one stream round trip per batch
/// instead of per message, and the stream's order is the room's order. Runs on the grain's
/// scheduler only, so the queue needs no lock.
/// </remarks>
internal sealed partial class RoomEventPublisher(Grain grain, string roomId, ILogger logger)
{
    private const int MaxBatch = 256;

    /// <summary>Half of Kafka's default 1 MB record limit, leaving room for the batch's own framing.</summary>
    private const int MaxBatchBytes = 512 * 1024;

    private readonly Queue<(RoomEvent Event, TaskCompletionSource Done)> _pending = new();
    private IAsyncStream<RoomEvent>? _stream;
    private bool _publishing;

    /// <summary>Completes once the stream holds the event; fails with <see cref="RoomEventsUnavailableException"/> otherwise.</summary>
    public Task PublishAsync(RoomEvent roomEvent)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending.Enqueue((roomEvent, done));
        if (!_publishing)
        {
            _publishing = true;
            _ = PublishPendingAsync();
        }

        return done.Task;
    }

    private async Task PublishPendingAsync()
    {
        try
        {
            while (_pending.Count > 0)
            {
                var batch = TakeBatch();
                try
                {
                    _stream ??= grain.GetStreamProvider(ChatNames.StreamProvider)
                        .GetStream<RoomEvent>(StreamId.Create(ChatNames.RoomEventsNamespace, roomId));
                    if (batch.Count == 1)
                    {
                        await _stream.OnNextAsync(batch[0].Event);
                    }
                    else
                    {
                        await _stream.OnNextBatchAsync(batch.Select(b => b.Event).ToList());
                    }

                    foreach (var (_, done) in batch)
                    {
                        done.TrySetResult();
                    }
                }
                catch (Exception ex)
                {
                    // Whatever failed (cancellation included), every waiter gets an answer: a publish
                    // left pending would hold up every later send of the room. The provider's own
                    // exception may not travel to the client; its message goes into ours.
                    LogPublishFailed(logger, roomId, batch.Count, ex);
                    foreach (var (roomEvent, done) in batch)
                    {
                        done.TrySetException(new RoomEventsUnavailableException(
                            $"room {roomId}: the event stream did not persist the {Describe(roomEvent)} ({ex.Message}); not acknowledged, retry later"));
                    }
                }
            }
        }
        finally
        {
            _publishing = false;
        }
    }

    /// <summary>
    /// The next events in order, at most <see cref="MaxBatch"/> and about <see cref="MaxBatchBytes"/>:
    /// a stream that carries a batch as one record (Kafka) refuses records over its size limit, and
    /// one oversized batch would fail every send in it.
    /// </summary>
    private List<(RoomEvent Event, TaskCompletionSource Done)> TakeBatch()
    {
        var batch = new List<(RoomEvent Event, TaskCompletionSource Done)>(Math.Min(_pending.Count, MaxBatch));
        var bytes = 0;
        while (batch.Count < MaxBatch && _pending.TryPeek(out var next))
        {
            var size = EstimatedBytes(next.Event);
            if (batch.Count > 0 && bytes + size > MaxBatchBytes)
            {
                break;
            }

            batch.Add(_pending.Dequeue());
            bytes += size;
        }

        return batch;
    }

    /// <summary>An upper bound on the serialized size: text at 3 UTF-8 bytes per UTF-16 unit, plus ids and fields.</summary>
    private static int EstimatedBytes(RoomEvent roomEvent) => 512 + 3 * roomEvent switch
    {
        MessageEvent m => m.Message.Text?.Length ?? 0,
        MessageEditedEvent e => e.Text.Length,
        _ => 0,
    };

    private static string Describe(RoomEvent roomEvent) => roomEvent switch
    {
        MessageEvent m => $"message {m.Message.Seq}",
        MemberEvent { Joined: true } => "join",
        MemberEvent => "leave",
        MessageEditedEvent e => $"edit of message {e.Seq}",
        MessageDeletedEvent d => $"deletion of message {d.Seq}",
        _ => "event",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {RoomId}: publishing {Count} event(s) on the room event stream failed")]
    private static partial void LogPublishFailed(ILogger logger, string roomId, int count, Exception exception);
}
