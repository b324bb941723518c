using System.Collections.Concurrent;
using OrleansChat.Silo.Streaming.Local;
using Orleans.Runtime;

namespace OrleansChat.Silo.Streaming.Local;

/// <summary>One queue of this silo: publishes go in, this silo's pulling agent for the queue takes them out.</summary>
internal sealed class LocalQueue(int capacity)
{
    private readonly ConcurrentQueue<LocalBatchContainer> _batches = new();
    private long _sequence;

    /// <summary>Refuses (the relay tries again later) rather than grow without bound when delivery falls behind.</summary>
    public void Add(StreamId streamId, List<object> events, Dictionary<string, object>? requestContext)
    {
        if (_batches.Count >= capacity)
        {
            throw new InvalidOperationException($"the silo's stream queue holds {capacity} batches not yet delivered; try again later");
        }

        _batches.Enqueue(new LocalBatchContainer(streamId, events, requestContext, Interlocked.Increment(ref _sequence)));
    }

    public List<LocalBatchContainer> Take(int maxCount)
    {
        var taken = new List<LocalBatchContainer>();
        while (taken.Count < maxCount && _batches.TryDequeue(out var batch))
        {
            taken.Add(batch);
        }

        return taken;
    }
}
