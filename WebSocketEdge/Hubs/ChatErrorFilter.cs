using Microsoft.AspNetCore.SignalR;
using OrleansChat.Messages;
using Orleans.Runtime;

namespace OrleansChat.Edge.Hubs;

/// <summary>
/// Refusals become <see cref="HubException"/>s whose message the client sees; the connection stays
/// open. So do the failures a client can act on by retrying: a grain that did not answer in time
/// (the cluster is overloaded or failing over) and a silo that is gone or refusing work. Anything
/// else stays SignalR's generic error, with the details only in the node's log.
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
        catch (Exception ex) when (ex is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException)
        {
            var method = invocationContext.HubMethodName;
            LogClusterBusy(logger, method, ex.Message);
            throw new HubException(ex is TimeoutException
                ? $"{method}: the cluster did not answer in time (overloaded or failing over); it may still complete. Retry; a send with the same clientMsgId is stored once"
                : $"{method}: the cluster could not take the call just now (a node is leaving or overloaded). Retry; a send with the same clientMsgId is stored once");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub method {Method} failed for want of a timely answer from the cluster: {Reason}")]
    private static partial void LogClusterBusy(ILogger logger, string method, string reason);
}
