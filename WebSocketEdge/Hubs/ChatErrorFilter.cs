using Microsoft.AspNetCore.SignalR;
using Orleans.Chat.Messages;

namespace Orleans.Chat.Edge.Hubs;

/// <summary>Refusals become <see cref="HubException"/>s whose message the client sees; the connection stays open.</summary>
public sealed class ChatErrorFilter : IHubFilter
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
        catch (RoomEventsUnavailableException ex)
        {
            // A service failure, but one the client can act on (retry with the same clientMsgId).
            throw new HubException(ex.Message);
        }
    }
}
