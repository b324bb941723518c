using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansChat.Silo.Streaming.Kafka;

/// <summary>
/// One Orleans queue per partition of the topic. A stream's partition comes from a stable hash of
/// its namespace and key (FNV-1a, the same in every process and version), so all events of one
/// room land in one partition, in order. Queues sit evenly on Orleans' consistent ring, so the
/// default ring balancer hands each silo a share and moves partitions when silos join or leave.
/// </summary>
public sealed class KafkaQueueMapper : IConsistentRingStreamQueueMapper
{
    private readonly QueueId[] _queues;

    public KafkaQueueMapper(string topic, int partitions)
    {
        Topic = topic;
        _queues = new QueueId[partitions];
        var spacing = (uint)((1L << 32) / partitions);
        for (var p = 0; p < partitions; p++)
        {
            _queues[p] = QueueId.GetQueueId(topic, (uint)p, (uint)p * spacing);
        }
    }

    public string Topic { get; }

    public IEnumerable<QueueId> GetAllQueues() => _queues;

    public QueueId GetQueueForStream(StreamId streamId) => _queues[PartitionOf(streamId)];

    public IEnumerable<QueueId> GetQueuesForRange(IRingRange range) =>
        _queues.Where(q => range.InRange(q.GetUniformHashCode())).ToList();

    /// <summary>The topic partition a queue stands for.</summary>
    public static int PartitionOf(QueueId queueId) => (int)queueId.GetNumericId();

    public int PartitionOf(StreamId streamId)
    {
        var hash = Fnv1a(streamId.Namespace.Span, 2166136261u);
        hash = Fnv1a("/"u8, hash);
        hash = Fnv1a(streamId.Key.Span, hash);
        return (int)(hash % (uint)_queues.Length);
    }

    private static uint Fnv1a(ReadOnlySpan<byte> bytes, uint hash)
    {
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }

    public override string ToString() => $"{Topic} ({_queues.Length} partitions)";
}
