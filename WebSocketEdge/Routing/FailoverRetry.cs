using Microsoft.Extensions.Options;
using OrleansChat.Edge.Refusals;
using OrleansChat.Messages;
using OrleansChat.Silo.Options;
using Orleans.Runtime;

namespace OrleansChat.Edge.Routing;

/// <summary>
/// Retries a call that failed only because the cluster was failing over: the grain's silo died or
/// stopped taking calls, a call was lost with it, or its activation was moving. Such a failure
/// lasts until membership declares the silo dead and the grain reactivates elsewhere, so the call is
/// retried for about twice the failure-detection time, with growing pauses, instead of reaching the
/// client. A store that did not answer is retried for <see cref="StoreWindow"/> only: a blip (a
/// driver reconnecting, a restart that is already over) passes unseen, while a real outage reaches
/// the client quickly as a named refusal ("message store unavailable, retry in 2 s") that the
/// client retries itself. Which failure is which is <see cref="RefusalClassifier"/>'s answer, the
/// same the client is given. Only calls that are safe to repeat come here (a send is idempotent by
/// clientMsgId). A client whose own connection closed gets no retries: the call is its to repeat.
/// </summary>
public sealed partial class FailoverRetry(IOptions<FailureDetectionOptions> detection, TimeProvider time, ILogger<FailoverRetry> logger)
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    /// <summary>How long a call the store failed is retried here: pauses of 0.1, 0.2 and 0.4 s, four attempts.</summary>
    public static readonly TimeSpan StoreWindow = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long retries go on: twice the time to declare a silo dead (probe period x (missed probes
    /// + the indirect probe)), which covers the declaration and the grain's reactivation elsewhere.
    /// With the defaults (1 s x 3) that is 8 s.
    /// </summary>
    public TimeSpan Window { get; } = detection.Value.ProbeTimeout * (detection.Value.MissedProbesLimit + 1) * 2;

    public async Task<T> RunAsync<T>(Func<Task<T>> call, string what, CancellationToken connectionAborted)
    {
        var started = time.GetTimestamp();
        var pause = FirstPause;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (!connectionAborted.IsCancellationRequested && time.GetElapsedTime(started) + pause < RetryWindow(ex))
            {
                LogRetrying(logger, what, attempt, RefusalClassifier.Classify(ex).Label, ex.GetType().Name, ex.Message);
            }

            await Task.Delay(pause, time, connectionAborted);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
        }
    }

    /// <summary>
    /// How long after the first attempt a failure like <paramref name="ex"/> is worth retrying here;
    /// zero for refusals (bad input, rules), internal faults and membership outages (those last
    /// longer than a client should wait on one call). The room's event stream is off the send's
    /// path: it never fails a send.
    /// </summary>
    internal TimeSpan RetryWindow(Exception ex) => RefusalClassifier.Classify(ex).Cause switch
    {
        RefusalCause.NodeUnavailable or RefusalCause.ClusterTimeout => Window,
        RefusalCause.MessageStore or RefusalCause.StateStore => StoreWindow,
        _ => TimeSpan.Zero,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "{What}: attempt {Attempt} failed ({Cause}, {Kind}: {Reason}); retrying")]
    private static partial void LogRetrying(ILogger logger, string what, int attempt, string cause, string kind, string reason);
}
