using Microsoft.Extensions.Logging;

namespace OrleansChat.Grains.Background;

/// <summary>
/// The one way the product leaves work running without waiting for it: the caller gives up the
/// result, never the failure, which is logged (no unobserved task exceptions, nothing silent). A
/// task that was cancelled is not logged: cancellation here means its host or connection is going.
/// A task that already succeeded costs nothing, so hot paths may use it on every write.
/// </summary>
public static partial class FireAndForget
{
    /// <summary>Logs a failure of <paramref name="task"/> at Warning as "<paramref name="operation"/> failed in the background".</summary>
    public static void Forget(this Task task, ILogger logger, string operation)
    {
        if (task.IsCompletedSuccessfully)
        {
            return;
        }

        task.ContinueWith(
            static (faulted, state) =>
            {
                var (logger, operation) = ((ILogger, string))state!;
                LogFailed(logger, operation, FailureOf(faulted));
            },
            (logger, operation),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Hands a failure of <paramref name="task"/> to <paramref name="logFailure"/>: the caller's own
    /// [LoggerMessage], for failures whose log line names a room, user or connection, or that a
    /// hot path logs at Debug. Callers on a hot path keep the delegate in a field.
    /// </summary>
    public static void Forget(this Task task, Action<Exception> logFailure)
    {
        if (task.IsCompletedSuccessfully)
        {
            return;
        }

        task.ContinueWith(
            static (faulted, state) => ((Action<Exception>)state!)(FailureOf(faulted)),
            logFailure,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>The one failure when there is one (the usual case), else the aggregate of all.</summary>
    private static Exception FailureOf(Task faulted) =>
        faulted.Exception!.InnerExceptions is [var single] ? single : faulted.Exception;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Operation} failed in the background")]
    private static partial void LogFailed(ILogger logger, string operation, Exception exception);
}
