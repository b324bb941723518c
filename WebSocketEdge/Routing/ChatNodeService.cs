using Microsoft.Extensions.Options;
using OrleansChat.Nodes;

namespace OrleansChat.Edge.Routing;

/// <summary>
/// Makes this node known to the cluster: registers it in the node directory at start and takes it
/// out at a graceful stop. Nothing renews it: whether the node lives is what cluster membership
/// says of its silo (see <c>ClusterNodes</c>). Periodically re-confirms room subscriptions as a
/// safety net for a room that reactivated unnoticed.
/// </summary>
public sealed partial class ChatNodeService(
    ChatNode node,
    IGrainFactory grains,
    RateLimiting.UserRateLimiter limiter,
    IOptions<EdgeOptions> options,
    ILogger<ChatNodeService> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        node.Start();
        await node.RegisterAsync(Timeout.InfiniteTimeSpan, cancellationToken);
        LogStarted(logger, node.NodeId);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await grains.GetGrain<INodeDirectoryGrain>(0).Unregister(node.NodeId).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException or OperationCanceledException)
        {
            // Membership declares this silo dead once it has stopped; the directory leaves it out then.
            LogUnregisterFailed(logger, ex);
        }

        node.Stop();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ResubscribeInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            node.ResubscribeAll();
            limiter.Trim();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Chat node {NodeId} registered")]
    private static partial void LogStarted(ILogger logger, string nodeId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unregistering this node failed")]
    private static partial void LogUnregisterFailed(ILogger logger, Exception exception);
}
