using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace Orleans.Chat.Edge.Cluster;

/// <summary>
/// The hub connections open on this node, kept so that a draining node can close the ones whose
/// clients did not move on their own. A hub filter sees every connect and disconnect.
/// </summary>
public sealed class OpenConnections : IHubFilter
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _open = new(StringComparer.Ordinal);

    public int Count => _open.Count;

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        _open[context.Context.ConnectionId] = context.Context;
        await next(context);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        _open.TryRemove(context.Context.ConnectionId, out _);
        await next(context, exception);
    }

    /// <summary>Closes every open connection; official clients with automatic reconnect come back through the load balancer.</summary>
    public int AbortAll()
    {
        var aborted = 0;
        foreach (var connection in _open.Values)
        {
            connection.Abort();
            aborted++;
        }

        return aborted;
    }
}
