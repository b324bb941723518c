using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansChat.Grains.Users;
using Orleans.Runtime;
using OrleansChat.Grains.Background;

namespace OrleansChat.Grains.Nodes;

/// <summary>
/// The one place a silo acts on a node's death, and membership is the one source of it: as soon as
/// this silo learns that a silo was declared dead, fan-out to that silo's node stops (its outbox
/// lane goes, rooms drop the subscription on their next event), the node leaves the silo's node
/// list, and users whose connections were there lose them (offline if those were their last).
/// </summary>
public sealed partial class DeadSiloCleanup(
    IClusterMembershipService membership,
    ClusterNodes nodes,
    NodeOutbox outbox,
    NodeNotices notices,
    OnlineUsers onlineUsers,
    ILogger<DeadSiloCleanup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var dead = new HashSet<SiloAddress>();
        try
        {
            // Each update is a whole snapshot; the first lists silos that died before this one started.
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var newlyDead = snapshot.Members.Values
                    .Where(m => m.Status == SiloStatus.Dead && dead.Add(m.SiloAddress))
                    .Select(m => m.SiloAddress.ToParsableString())
                    .ToHashSet(StringComparer.Ordinal);
                if (newlyDead.Count == 0)
                {
                    continue;
                }

                LogSilosDead(logger, string.Join(", ", newlyDead));
                nodes.Forget(newlyDead);
                outbox.Forget(newlyDead);
                notices.Forget(newlyDead);

                // Not awaited here: the next membership update must not wait for thousands of user grains.
                DropUsersAsync(newlyDead, stoppingToken).Forget(logger, "Dropping dead nodes' connections");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }

    private async Task DropUsersAsync(IReadOnlySet<string> deadNodeIds, CancellationToken stoppingToken)
    {
        try
        {
            await onlineUsers.DropNodesAsync(deadNodeIds, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo is stopping; its user grains go with it.
        }
        catch (Exception ex)
        {
            LogDropFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Silo(s) declared dead: {Nodes}; their nodes get no more fan-out")]
    private static partial void LogSilosDead(ILogger logger, string nodes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Taking users of dead silos offline failed")]
    private static partial void LogDropFailed(ILogger logger, Exception exception);
}
