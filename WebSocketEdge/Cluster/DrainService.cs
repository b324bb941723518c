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
    IHostApplicationLifetime lifetime,
    IOptions<EdgeOptions> options,
    TimeProvider time,
    ILogger<DrainService> logger) : IHostedLifecycleService
{
    private CancellationTokenRegistration _stopping;

    /// <summary>How often the drain looks whether the clients have left.</summary>
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The host signals "stopping" before it calls any service, and SignalR closes its connections
    /// on that signal. This callback is registered after SignalR's (the hub is mapped before hosted
    /// services start) and so runs first: the node refuses newcomers before its clients leave,
    /// and the "reconnect" event is queued ahead of SignalR's close.
    /// </summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _stopping = lifetime.ApplicationStopping.Register(() =>
        {
            state.Begin();
            LogDraining(logger, connections.Count, options.Value.DrainTimeout);
            Observe(hub.Clients.All.SendAsync(HubNames.Reconnect, CancellationToken.None));
        });
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        state.Begin();
        await _stopping.DisposeAsync();
        if (connections.Count > 0)
        {
            await WaitForClientsToLeaveAsync(cancellationToken);
        }

        var aborted = connections.AbortAll();
        LogDrained(logger, aborted);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Observe(Task send)
    {
        if (!send.IsCompletedSuccessfully)
        {
            send.ContinueWith(t => LogReconnectFailed(logger, t.Exception), TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
        }
    }

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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sending the reconnect request failed")]
    private static partial void LogReconnectFailed(ILogger logger, Exception? exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained: closed {Aborted} remaining connections; leaving the cluster")]
    private static partial void LogDrained(ILogger logger, int aborted);
}
