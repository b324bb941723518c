using OrleansChat.Edge.Routing;
using Orleans.Runtime;

namespace OrleansChat.Edge.Cluster;

/// <summary>
/// Reacts when the cluster declares a silo dead. The grains that lived there (possibly the node
/// directory itself) come back empty elsewhere, and a room that reactivates while the directory is
/// still empty cannot ask the nodes to subscribe again. So every node, as soon as it learns of a
/// death, registers itself again and re-confirms its room subscriptions, filling any seq gap from
/// the room, instead of waiting for the next periodic renewal (seconds) or resubscription (30 s).
/// </summary>
public sealed partial class MembershipWatcher(
    IClusterMembershipService membership,
    ChatNode node,
    ILogger<MembershipWatcher> logger) : BackgroundService
{
    /// <summary>A second pass catches grains whose directory entries were still being cleaned up during the first.</summary>
    private static readonly TimeSpan SecondPass = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var dead = new HashSet<SiloAddress>();
        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
        {
            var newlyDead = snapshot.Members.Values
                .Where(m => m.Status == SiloStatus.Dead && dead.Add(m.SiloAddress))
                .Select(m => m.SiloAddress)
                .ToList();
            if (newlyDead.Count == 0 || !node.IsStarted)
            {
                continue;
            }

            LogSiloDied(logger, string.Join(", ", newlyDead));
            _ = Task.Run(() => RecoverAsync(stoppingToken), stoppingToken);
        }
    }

    private async Task RecoverAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RegisterAsync(stoppingToken);
            node.ResubscribeAll();
            await Task.Delay(SecondPass, stoppingToken);
            await RegisterAsync(stoppingToken);
            node.ResubscribeAll();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node is stopping; nothing to recover.
        }
    }

    private async Task RegisterAsync(CancellationToken stoppingToken)
    {
        try
        {
            await node.RegisterAsync(TimeSpan.FromSeconds(5), stoppingToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            // The periodic renewal retries in a few seconds.
            LogRegisterFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo(s) {Silos} declared dead; re-registering this node and re-confirming room subscriptions")]
    private static partial void LogSiloDied(ILogger logger, string silos);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-registering this node after a silo death failed")]
    private static partial void LogRegisterFailed(ILogger logger, Exception exception);
}
