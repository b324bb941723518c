using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansChat.Edge.Routing;
using OrleansChat.Silo.Streaming;
using OrleansChat.Storage;
using Orleans.Runtime;

namespace OrleansChat.Edge.Health;

/// <summary>
/// Healthy when cluster membership counts this node's silo as active (the one source of liveness;
/// no grain call, so a node's health never depends on where some grain lives while a silo fails
/// over), the node has started, the message store answers, and so does whatever carries the
/// room-event stream when it lives outside the cluster (Kafka): without it every send fails. Each
/// probe is bounded so a hung dependency reports unhealthy instead of hanging /health.
/// </summary>
public sealed class ChatHealthCheck(
    ChatNode node,
    ILocalSiloDetails silo,
    IClusterMembershipService membership,
    IMessageStore store,
    IEnumerable<IStreamProbe> streams) : IHealthCheck
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["node"] = node.NodeId,
            ["connections"] = node.ConnectionCount,
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
                    return HealthCheckResult.Unhealthy($"{stream.Description} does not answer", data: data);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"{stream.Description} does not answer", ex, data);
            }
        }

        return HealthCheckResult.Healthy(streams.Any() ? "silo active, store and event stream reachable" : "silo active, store reachable", data);
    }
}
