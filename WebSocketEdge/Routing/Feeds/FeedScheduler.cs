namespace OrleansChat.Edge.Routing.Feeds;

/// <summary>
/// Runs the steps of the node's room feeds: each step about a room runs under the lock of the
/// room's shard, on the thread that brought it (an event from a grain goes straight to the sockets,
/// no hand-off), so a room's state needs no other locking. Steps never wait: a grain call's answer
/// and a delay both come back as later steps, so one slow room holds up no other room of its shard.
/// </summary>
public sealed class FeedScheduler
{
    private readonly Lock[] _gates;
    private readonly TimeProvider _time;
    private readonly Action<string, Exception> _onFailure;

    /// <param name="onFailure">Told about a step that threw (the step's room and the exception); never rethrown at the caller.</param>
    public FeedScheduler(TimeProvider time, int shards, Action<string, Exception> onFailure)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        _time = time;
        _onFailure = onFailure;
        _gates = new Lock[shards];
        for (var i = 0; i < shards; i++)
        {
            _gates[i] = new Lock();
        }
    }

    public int ShardCount => _gates.Length;

    /// <summary>Which shard holds the room.</summary>
    public int ShardOf(string roomId) => (int)((uint)StringComparer.Ordinal.GetHashCode(roomId) % (uint)_gates.Length);

    /// <summary>Runs <paramref name="step"/> (given the room's shard) now, under the shard's lock; returns what it threw, if anything.</summary>
    public Exception? Run(string roomId, Action<int> step)
    {
        var shard = ShardOf(roomId);
        try
        {
            lock (_gates[shard])
            {
                step(shard);
            }

            return null;
        }
        catch (Exception ex)
        {
            // One room's failure (its grain unreachable mid-failover) must not reach the caller.
            _onFailure(roomId, ex);
            return ex;
        }
    }

    /// <summary>Runs <paramref name="step"/> as a step of the room once <paramref name="delay"/> has passed on the scheduler's clock.</summary>
    public void RunAfter(TimeSpan delay, string roomId, Action<int> step)
    {
        var holder = new TimerHolder();
        holder.Timer = _time.CreateTimer(
            _ =>
            {
                holder.Timer?.Dispose();
                Run(roomId, step);
            },
            null, delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Runs <paramref name="then"/> as a step of the room once <paramref name="call"/> has answered
    /// (or failed): on the thread that completes the call, or on the thread pool if it already has,
    /// so a step that starts a call never runs its answer inside itself.
    /// </summary>
    public void RunWhenAnswered<T>(string roomId, Task<T> call, Action<int, Task<T>> then) =>
        call.ContinueWith(
            answered => Run(roomId, shard => then(shard, answered)),
            CancellationToken.None,
            call.IsCompleted ? TaskContinuationOptions.None : TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    /// <summary>A one-shot timer disposes itself from its own callback; the holder lets it find itself.</summary>
    private sealed class TimerHolder
    {
        public ITimer? Timer { get; set; }
    }
}
