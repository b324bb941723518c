namespace OrleansChat.Grains.Streaming;

/// <summary>
/// What the stream under <see cref="RoomEventRelay"/> can take in one publish. Set by the silo's
/// stream provider registration, not bound from a configuration section of its own: only the
/// provider knows its limits (Kafka carries a batch as one record of bounded size).
/// </summary>
public sealed class RoomEventRelayOptions
{
    /// <summary>
    /// Estimated bytes one publish may carry at most; a single event larger than this still goes
    /// alone. Default: no limit (memory streams hand a batch over by reference). Kafka sets half
    /// of <c>Chat:Kafka:MaxRecordBytes</c>, leaving room for the record's own framing.
    /// </summary>
    public int MaxBatchBytes { get; set; } = int.MaxValue;
}
