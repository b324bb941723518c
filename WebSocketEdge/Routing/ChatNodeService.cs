using Microsoft.Extensions.Options;
using OrleansChat.Nodes;

namespace OrleansChat.Edge.Routing;

/// <summary>
/// Keeps this node known to the cluster: registers it in the node directory at start, renews the
/// registration every few seconds (the directory forgets nodes that stop renewing, which is how a
/// killed node drops out), and periodically re-confirms room subscriptions as a safety net.
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
            // The directory forgets this node on its own once renewals stop.
            LogUnregisterFailed(logger, ex);
        }

        node.Stop();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var renew = options.Value.NodeRenewInterval;
        var resubscribeEvery = options.Value.ResubscribeInterval;
        var sinceResubscribe = TimeSpan.Zero;
        using var timer = new PeriodicTimer(renew);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await node.RegisterAsync(renew, stoppingToken);
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException)
            {
                LogRenewFailed(logger, ex);
            }

            sinceResubscribe += renew;
            if (sinceResubscribe >= resubscribeEvery)
            {
                sinceResubscribe = TimeSpan.Zero;
                node.ResubscribeAll();
                limiter.Trim();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Chat node {NodeId} registered")]
    private static partial void LogStarted(ILogger logger, string nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing this node in the directory failed; retrying")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unregistering this node failed")]
    private static partial void LogUnregisterFailed(ILogger logger, Exception exception);
}
