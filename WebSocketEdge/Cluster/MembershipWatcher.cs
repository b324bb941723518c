using OrleansChat.Edge.Routing;
using Orleans.Runtime;
using OrleansChat.Grains.Background;

namespace OrleansChat.Edge.Cluster;

/// <summary>
/// Reacts when the cluster declares a silo dead. The grains that lived there (possibly the node
/// directory itself) come back empty elsewhere, and a room that reactivates before it hears of this
/// node cannot ask it to subscribe again. So every node, as soon as it learns of a death, registers
/// itself again (the only time the directory can have lost it) and re-confirms its room
/// subscriptions, filling any seq gap from the room, instead of waiting for the periodic
/// resubscription (30 s).
/// </summary>
public sealed partial class MembershipWatcher(
    IClusterMembershipService membership,
    ChatNode node,
    ILogger<MembershipWatcher> logger) : BackgroundService
{
    /// <summary>A second pass catches grains whose directory entries were still being cleaned up during the first.</summary>
    private static readonly TimeSpan SecondPass = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(1);
    private const int MaxAttempts = 10;

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
            Task.Run(() => RecoverAsync(stoppingToken), stoppingToken).Forget(logger, "Recovering this node's routes after a silo death");
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

    /// <summary>
    /// Retried until it is through: right after a death the directory may be reactivating elsewhere,
    /// and a node missing from it stays unknown to silos that join later.
    /// </summary>
    private async Task RegisterAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await node.RegisterAsync(TimeSpan.FromSeconds(5), stoppingToken);
                return;
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException && attempt < MaxAttempts)
            {
                LogRegisterFailed(logger, attempt, ex);
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException)
            {
                LogRegisterGaveUp(logger, attempt, ex);
                return;
            }

            await Task.Delay(RetryEvery, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo(s) {Silos} declared dead; re-registering this node and re-confirming room subscriptions")]
    private static partial void LogSiloDied(ILogger logger, string silos);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-registering this node after a silo death failed (attempt {Attempt}); retrying")]
    private static partial void LogRegisterFailed(ILogger logger, int attempt, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-registering this node after a silo death failed {Attempt} times; silos that know it keep it, the next death registers it again")]
    private static partial void LogRegisterGaveUp(ILogger logger, int attempt, Exception exception);
}
