using System.Runtime.InteropServices;
using OrleansChat.Grains.Background;

namespace OrleansChat.Edge.Cluster;

/// <summary>
/// The node's answer to SIGTERM, SIGINT (Ctrl+C) and SIGQUIT, in place of the console lifetime:
/// drain first, while Kestrel, SignalR and the silo are all still up, and only then stop the host.
/// Stopping the host first would not do: SignalR closes every connection as soon as the host
/// signals "stopping", so a <c>reconnect</c> request written at that moment races the close and,
/// on a connection busy with traffic, loses it.
/// </summary>
public sealed partial class DrainingLifetime(
    DrainService drain,
    IHostApplicationLifetime lifetime,
    ILogger<DrainingLifetime> logger) : IHostLifetime, IDisposable
{
    private readonly List<PosixSignalRegistration> _signals = [];

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            _signals.Add(PosixSignalRegistration.Create(signal, OnSignal));
        }

        lifetime.ApplicationStarted.Register(() => LogStarted(logger));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var registration in _signals)
        {
            registration.Dispose();
        }

        _signals.Clear();
    }

    /// <summary>Runs on a thread of its own; the drain goes on on the thread pool.</summary>
    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        LogSignal(logger, context.Signal);
        DrainThenStopAsync().Forget(logger, "Draining before the node stops");
    }

    private async Task DrainThenStopAsync()
    {
        try
        {
            await drain.DrainAsync();
        }
        catch (Exception ex)
        {
            LogDrainFailed(logger, ex);
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node started; SIGTERM or Ctrl+C drains it, then stops it")]
    private static partial void LogStarted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Got {Signal}: draining before the node stops")]
    private static partial void LogSignal(ILogger logger, PosixSignal signal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The drain failed; stopping the node anyway")]
    private static partial void LogDrainFailed(ILogger logger, Exception exception);
}
