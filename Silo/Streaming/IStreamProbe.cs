namespace OrleansChat.Silo.Streaming;

/// <summary>
/// Asks whether what carries a stream provider's events answers, for the node's health check. A
/// provider that lives inside the cluster (memory streams) registers none.
/// </summary>
public interface IStreamProbe
{
    /// <summary>What is probed, for the health report, e.g. "Kafka (stream provider chat-streams)".</summary>
    string Description { get; }

    /// <summary>True when it answered; false or an exception otherwise. Bounded by the probe itself.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);
}
