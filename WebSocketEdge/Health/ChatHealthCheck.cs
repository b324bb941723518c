using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansChat.Edge.Routing;
using OrleansChat.Grains.Streaming;
using OrleansChat.Silo.Streaming;
using OrleansChat.Storage;
using Orleans.Runtime;

namespace OrleansChat.Edge.Health;

/// <summary>
/// Healthy when cluster membership counts this node's silo as active (the one source of liveness;
/// no grain call, so a node's health never depends on where some grain lives while a silo fails
/// over), the node has started and the message store answers: that is what a send needs. The room
/// event stream is not: sends are acknowledged once stored and the stream relay catches up later,
/// so a stream that does not answer (Kafka down) or a relay that cannot publish makes the node
/// <em>degraded</em> (still 200, still chosen by nginx), with the relay's lag in <c>streamLag</c>.
/// Each probe is bounded so a hung dependency reports instead of hanging /health.
/// </summary>
public sealed class ChatHealthCheck(
    ChatNode node,
    ILocalSiloDetails silo,
    IClusterMembershipService membership,
    IMessageStore store,
    RoomEventRelay relay,
    IEnumerable<IStreamProbe> streams) : IHealthCheck
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["node"] = node.NodeId,
            ["connections"] = node.ConnectionCount,
            ["streamLag"] = relay.Lag,
        };

        if (!node.IsStarted)
        {
            return HealthCheckResult.Unhealthy("the chat node has not started", data: data);
        }

        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        if (status != SiloStatus.Active)
        {
            return HealthCheckResult.Unhealthy($"the silo is not an active cluster member ({status})", data: data);
        }

        try
        {
            if (!await store.PingAsync(cancellationToken).WaitAsync(ProbeTimeout, cancellationToken))
            {
                return HealthCheckResult.Unhealthy("the message store does not answer", data: data);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("the message store does not answer", ex, data);
        }

        foreach (var stream in streams)
        {
            try
            {
                if (!await stream.PingAsync(cancellationToken).WaitAsync(ProbeTimeout, cancellationToken))
                {
                    return StreamDegraded($"{stream.Description} does not answer", null, data);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return StreamDegraded($"{stream.Description} does not answer", ex, data);
            }
        }

        if (relay.FailingSince is { } since)
        {
            return StreamDegraded($"the room event stream refuses events since {since:u}", null, data);
        }

        return HealthCheckResult.Healthy(streams.Any() ? "silo active, store and event stream reachable" : "silo active, store reachable", data);
    }

    private static HealthCheckResult StreamDegraded(string reason, Exception? exception, Dictionary<string, object> data) =>
        HealthCheckResult.Degraded($"{reason}; sends are stored and acknowledged, the stream catches up when it is back ({data["streamLag"]} event(s) waiting)", exception, data);
}
