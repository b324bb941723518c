using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Orleans.Chat.Edge.Hubs;

namespace Orleans.Chat.Edge.Cluster;

/// <summary>
/// Drains the node on SIGTERM before anything else stops: new hub connections and <c>/health</c> get
/// 503 (nginx then sends clients to another node), connected clients get a <c>reconnect</c> event,
/// and whoever is still here after <see cref="EdgeOptions.DrainTimeout"/> is disconnected, so their
/// automatic reconnect moves them. Only then do Kestrel and the silo stop; the silo leaves the
/// cluster gracefully, so its grains reactivate elsewhere without waiting for failure detection.
/// </summary>
public sealed partial class DrainService(
    DrainState state,
    OpenConnections connections,
    IHubContext<ChatHub> hub,
    IOptions<EdgeOptions> options,
    TimeProvider time,
    ILogger<DrainService> logger) : IHostedLifecycleService
{
    /// <summary>How often the drain looks whether the clients have left.</summary>
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(100);

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        state.Begin();
        var open = connections.Count;
        LogDraining(logger, open, options.Value.DrainTimeout);
        if (open > 0)
        {
            await hub.Clients.All.SendAsync(HubNames.Reconnect, cancellationToken);
            await WaitForClientsToLeaveAsync(cancellationToken);
        }

        var aborted = connections.AbortAll();
        LogDrained(logger, aborted);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task WaitForClientsToLeaveAsync(CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + options.Value.DrainTimeout;
        using var poll = new PeriodicTimer(PollEvery, time);
        while (connections.Count > 0 && time.GetUtcNow() < deadline && await poll.WaitForNextTickAsync(cancellationToken))
        {
            // Clients that honour "reconnect" leave on their own; the loop only watches.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining: refusing new connections, asking {Connections} connections to reconnect elsewhere (waiting up to {Timeout})")]
    private static partial void LogDraining(ILogger logger, int connections, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained: closed {Aborted} remaining connections; leaving the cluster")]
    private static partial void LogDrained(ILogger logger, int aborted);
}
