using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansChat.Edge.Routing;
using OrleansChat.Grains.Streaming;
using OrleansChat.Silo.Streaming;
using OrleansChat.Storage;
using Orleans.Runtime;

namespace OrleansChat.Edge.Health;

/// <summary>
/// Liveness apart from readiness. The node is alive while cluster membership counts its silo as
/// active (the one source of liveness; no grain call, so a node's health never depends on where some
/// grain lives while a silo fails over): it can then take connections, keep them, and carry presence
/// and typing, which need no store. A shared dependency that does not answer (the message store;
/// Kafka when it carries the room-event stream) makes the node <see cref="HealthStatus.Degraded"/>,
/// not dead: <c>/health</c> stays 200 so the load balancer keeps every node in rotation through a
/// store outage (taking them all out would leave nobody to tell clients "retry"), and <c>/ready</c>
/// answers 503. The room event stream is not needed by a send (sends are acknowledged once stored
/// and the stream relay catches up), so a stream that does not answer or refuses events makes the
/// node degraded with the relay's lag in <c>streamLag</c>. Probes run side by side, each bounded, so
/// a hung dependency neither hangs nor slows the report much.
/// </summary>
public sealed class ChatHealthCheck(
    ChatNode node,
    ILocalSiloDetails silo,
    IClusterMembershipService membership,
    IMessageStore store,
    RoomEventRelay relay,
    IEnumerable<IStreamProbe> streams) : IHealthCheck
{
    public const string Ok = "ok";
    public const string Unreachable = "unreachable";

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
        data["silo"] = status == SiloStatus.Active ? Ok : status.ToString();
        if (status != SiloStatus.Active)
        {
            return HealthCheckResult.Unhealthy($"the silo is not an active cluster member ({status})", data: data);
        }

        var messageStore = ProbeAsync(store.PingAsync, cancellationToken);
        var streamProbes = streams.Select(s => (s.Description, Answered: ProbeAsync(s.PingAsync, cancellationToken))).ToList();
        var silent = new List<string>();
        var storeAnswers = await messageStore;
        if (!storeAnswers)
        {
            silent.Add("the message store");
        }

        var streamsAnswer = true;
        foreach (var (description, answered) in streamProbes)
        {
            if (!await answered)
            {
                streamsAnswer = false;
                silent.Add(description);
            }
        }

        data["store"] = storeAnswers ? Ok : Unreachable;
        if (streamProbes.Count > 0)
        {
            data["stream"] = streamsAnswer ? Ok : Unreachable;
        }

        if (!storeAnswers)
        {
            return HealthCheckResult.Degraded($"silo active; {string.Join(" and ", silent)} not answering: sends and joins are refused until it answers", data: data);
        }

        if (!streamsAnswer)
        {
            return StreamDegraded($"{string.Join(" and ", silent)} not answering", data);
        }

        if (relay.FailingSince is { } since)
        {
            data["stream"] = Unreachable;
            return StreamDegraded($"the room event stream refuses events since {since:u}", data);
        }

        return HealthCheckResult.Healthy(streamProbes.Count > 0 ? "silo active, store and event stream reachable" : "silo active, store reachable", data);
    }

    /// <summary>True when the probe answered yes within <see cref="ProbeTimeout"/>; a failure or a timeout is a no, the caller's cancellation is not swallowed.</summary>
    private static async Task<bool> ProbeAsync(Func<CancellationToken, Task<bool>> probe, CancellationToken cancellationToken)
    {
        try
        {
            return await probe(cancellationToken).WaitAsync(ProbeTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static HealthCheckResult StreamDegraded(string reason, Dictionary<string, object> data) =>
        HealthCheckResult.Degraded($"silo active; {reason}; sends are stored and acknowledged, the stream catches up when it is back ({data["streamLag"]} event(s) waiting)", data: data);
}
