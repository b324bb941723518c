using Microsoft.AspNetCore.SignalR;
using OrleansChat.Edge.Refusals;
using OrleansChat.Messages;

namespace OrleansChat.Edge.Hubs;

/// <summary>
/// Every failed hub call answers with a <see cref="HubException"/> whose message says why; the
/// connection stays open. Refusals (<see cref="ChatException"/>) pass on unchanged. Service failures
/// are named by <see cref="RefusalClassifier"/> ("message store unavailable, retry in 2 s"), so a
/// client can show the state and retry; a fault nobody foresaw still answers with a reason and an
/// id that finds its details in the node's log.
/// </summary>
public sealed partial class ChatErrorFilter(ILogger<ChatErrorFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (ChatException ex)
        {
            throw new HubException(ex.Message);
        }
        catch (Exception ex) when (ex is not HubException)
        {
            var method = invocationContext.HubMethodName;
            var refusal = RefusalClassifier.Classify(ex);
            if (refusal.Transient)
            {
                LogRefused(logger, method, refusal.Label, ex.GetType().Name, ex.Message);
                throw new HubException(refusal.Describe(method));
            }

            var incident = Guid.NewGuid().ToString("N")[..12];
            LogFault(logger, method, incident, ex);
            throw new HubException(refusal.Describe(method, incident));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub method {Method} refused ({Cause}): {ExceptionType}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string cause, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub method {Method} failed (incident {Incident})")]
    private static partial void LogFault(ILogger logger, string method, string incident, Exception exception);
}
