namespace OrleansChat.Grains.Nodes;

/// <summary>
/// Items for one node, sent in batches by queueing, never by waiting: the first item posted to an
/// idle lane schedules one thread-pool work item, and everything posted before that item runs goes
/// with it in one call. An idle silo therefore sends each item at once; a busy one, whose work
/// items wait their turn, sends fewer and larger calls. Only one run per lane is queued or running
/// at a time, so the node gets the items in the order they were posted.
/// </summary>
internal sealed class OneWayLane<T>(Action<List<T>> send) : IThreadPoolWorkItem
{
    private readonly Lock _lock = new();
    private List<T> _pending = [];
    private bool _scheduled;
    private bool _closed;

    /// <summary>Queues the item; false once the lane is closed (its node's silo was declared dead).</summary>
    public bool Post(T item)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            _pending.Add(item);
            if (_scheduled)
            {
                return true;
            }

            _scheduled = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return true;
    }

    /// <summary>Drops what the lane still holds and refuses what comes.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            _pending.Clear();
        }
    }

    /// <summary>Sends what has queued, then runs again if more came meanwhile.</summary>
    public void Execute()
    {
        List<T> batch;
        lock (_lock)
        {
            batch = _pending;
            _pending = [];
        }

        if (batch.Count > 0)
        {
            send(batch);
        }

        lock (_lock)
        {
            if (_pending.Count == 0)
            {
                _scheduled = false;
                return;
            }
        }

        // More arrived while sending: queue again rather than loop, so other work gets its turn.
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }
}
