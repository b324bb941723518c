using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using OrleansChat.Edge.Hubs;
using OrleansChat.Grains.Background;

namespace OrleansChat.Edge.Cluster;

/// <summary>
/// Drains the node before it stops: new hub connections and <c>/health</c> get 503 (nginx then
/// sends clients to another node), connected clients get a <c>reconnect</c> event, and whoever is
/// still here after <see cref="EdgeOptions.DrainTimeout"/> is disconnected, so their automatic
/// reconnect moves them. Only then do Kestrel and the silo stop; the silo leaves the cluster
/// gracefully, so its grains reactivate elsewhere without waiting for failure detection.
/// A signal starts the drain through <see cref="DrainingLifetime"/> while everything still runs;
/// a stop from inside the process (tests, <c>StopApplication</c>) drains from the stop itself.
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
    /// <summary>How often the drain looks whether the clients have left.</summary>
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(100);

    /// <summary>How long the connections closed at the end get for their disconnects to be handled before the node stops.</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private Task? _drain;
    private CancellationTokenRegistration _stopping;

    /// <summary>
    /// Refuses newcomers, asks every client to move and waits until they left or the drain timeout
    /// passed. Runs once; later callers get the same task.
    /// </summary>
    public Task DrainAsync()
    {
        lock (_gate)
        {
            return _drain ??= RunAsync();
        }
    }

    /// <summary>
    /// For a stop that did not come through a signal: the host signals "stopping" before it calls
    /// any service, and SignalR closes its connections on that signal. This callback is registered
    /// after SignalR's (the hub is mapped before hosted services start) and so runs first, which
    /// refuses newcomers before the clients leave and queues the <c>reconnect</c> event ahead of
    /// the close (best effort: a busy connection may lose it to the close).
    /// </summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _stopping = lifetime.ApplicationStopping.Register(() => DrainAsync());
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await _stopping.DisposeAsync();
        await DrainAsync().WaitAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RunAsync()
    {
        state.Begin();
        var deadline = time.GetUtcNow() + options.Value.DrainTimeout;
        LogDraining(logger, connections.Count, options.Value.DrainTimeout);
        Observe(hub.Clients.All.SendAsync(HubNames.Reconnect, CancellationToken.None));

        using var poll = new PeriodicTimer(PollEvery, time);
        await WaitForNoneOpenAsync(poll, deadline);

        // The rest are closed while this node's silo still serves, and get a moment for their
        // disconnects to reach their user grains, so their reconnects elsewhere find those grains
        // answering instead of landing in the silo's own shutdown.
        var aborted = connections.AbortAll();
        if (aborted > 0)
        {
            await WaitForNoneOpenAsync(poll, time.GetUtcNow() + CloseGrace);
        }

        LogDrained(logger, aborted);
    }

    private async Task WaitForNoneOpenAsync(PeriodicTimer poll, DateTimeOffset deadline)
    {
        while (connections.Count > 0 && time.GetUtcNow() < deadline && await poll.WaitForNextTickAsync())
        {
            // Clients leave on their own (or were closed); the loop only watches.
        }
    }

    private void Observe(Task send) => send.Forget(ex => LogReconnectFailed(logger, ex));

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining: refusing new connections, asking {Connections} connections to reconnect elsewhere (waiting up to {Timeout})")]
    private static partial void LogDraining(ILogger logger, int connections, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sending the reconnect request failed")]
    private static partial void LogReconnectFailed(ILogger logger, Exception? exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained: closed {Aborted} remaining connections; leaving the cluster")]
    private static partial void LogDrained(ILogger logger, int aborted);
}
