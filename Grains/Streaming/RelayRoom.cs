using OrleansChat.Messages;

namespace OrleansChat.Grains.Streaming;

/// <summary>
/// What one room still has to put on its stream, in the order the room handed it in. Not
/// thread-safe: <see cref="RoomEventRelay"/> uses it under its lock.
/// </summary>
internal sealed class RelayRoom(string roomId, int maxBatchBytes)
{
    /// <summary>Events per publish at most.</summary>
    public const int MaxBatch = 256;

    private readonly Queue<RelayItem> _items = new();

    public string RoomId { get; } = roomId;

    /// <summary>Failed publishes in a row; sets the wait before the next try.</summary>
    public int Failures { get; set; }

    /// <summary>No publish before this (after a failure).</summary>
    public DateTimeOffset RetryAt { get; set; }

    public bool IsEmpty => _items.Count == 0;

    /// <summary>The lowest message seq not yet published, or null when no message is waiting.</summary>
    public long? FirstPendingSeq => _items.Select(item => item.FirstSeq).FirstOrDefault(seq => seq is not null);

    public void Add(RoomEvent roomEvent) => _items.Enqueue(RelayItem.Of(roomEvent));

    /// <summary>
    /// Queues the stored messages (<paramref name="after"/>, <paramref name="upto"/>] by reference:
    /// joined to a range at the tail when they continue it, so a long outage costs one entry.
    /// </summary>
    public void AddRange(long after, long upto)
    {
        if (_items.Count > 0 && _items.Last() is { IsRange: true } tail && tail.Upto == after)
        {
            tail.Upto = upto;
            return;
        }

        _items.Enqueue(RelayItem.Range(after, upto));
    }

    /// <summary>
    /// The next publish: a range at the head alone, or the events up to the next range, at most
    /// <see cref="MaxBatch"/> and about <see cref="RoomEventRelayOptions.MaxBatchBytes"/> (a stream that
    /// carries a batch as one record refuses records over its size limit).
    /// </summary>
    public RelayBatch TakeBatch()
    {
        var head = _items.Peek();
        if (head.IsRange)
        {
            return new RelayBatch(RoomId, [], head);
        }

        var events = Fit(_items.TakeWhile(item => !item.IsRange).Select(item => item.Event!), maxBatchBytes);
        return new RelayBatch(RoomId, events, null, head.Trace);
    }

    /// <summary>
    /// The longest prefix of <paramref name="events"/> within <see cref="MaxBatch"/> events and about
    /// <paramref name="maxBytes"/> (at least one event).
    /// </summary>
    public static List<RoomEvent> Fit(IEnumerable<RoomEvent> events, int maxBytes)
    {
        var fitted = new List<RoomEvent>();
        var bytes = 0;
        foreach (var roomEvent in events)
        {
            var size = EstimatedBytes(roomEvent);
            if (fitted.Count == MaxBatch || (fitted.Count > 0 && (long)bytes + size > maxBytes))
            {
                break;
            }

            fitted.Add(roomEvent);
            bytes += size;
        }

        return fitted;
    }

    /// <summary>Takes what a successful publish carried off the queue; returns how many events that was.</summary>
    public long Complete(RelayBatch batch, long publishedUpto)
    {
        if (batch.Range is { } range)
        {
            var done = Math.Max(0, Math.Min(publishedUpto, range.Upto) - range.After);
            range.After += done;
            if (range.After >= range.Upto)
            {
                _items.Dequeue();
            }

            return done;
        }

        for (var i = 0; i < batch.Events.Count; i++)
        {
            _items.Dequeue();
        }

        return batch.Events.Count;
    }

    /// <summary>Drops a range the store cannot serve (it holds nothing there); returns how many events that was.</summary>
    public long DropHead()
    {
        return _items.Dequeue().Count;
    }

    /// <summary>An upper bound on the serialized size: text at 3 UTF-8 bytes per UTF-16 unit, plus ids and fields.</summary>
    private static int EstimatedBytes(RoomEvent roomEvent) => 512 + 3 * roomEvent switch
    {
        MessageEvent m => m.Message.Text?.Length ?? 0,
        MessageEditedEvent e => e.Text.Length,
        _ => 0,
    };
}
