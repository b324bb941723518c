using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using OrleansChat.Edge.Hosting;
using OrleansChat.Edge.Telemetry;
using OrleansChat.Edge.Refusals;

namespace OrleansChat.Edge.Cluster;

/// <summary>
/// The hub connections open on this node, kept so that a draining node can close the ones whose
/// clients did not move on their own. As the filter around every connect it also keeps a failover
/// from ending a client's session: see <see cref="OnConnectedAsync"/>.
/// </summary>
public sealed partial class OpenConnections(ILogger<OpenConnections> logger) : IHubFilter
{
    /// <summary>Long enough to outlast the detection of a dead silo (a few seconds) on a loaded machine.</summary>
    private static readonly TimeSpan RetryWindow = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetryEvery = TimeSpan.FromMilliseconds(250);

    /// <summary>Marks in a connection's items: it completed its connect step, and the node cut it (for the close reason).</summary>
    private const string OpenedMark = "chat.opened";
    private const string DroppedMark = "chat.dropped";

    private readonly ConcurrentDictionary<string, HubCallerContext> _open = new(StringComparer.Ordinal);

    public int Count => _open.Count;

    /// <summary>
    /// A client that reconnects right after a node died may find its user grain still placed on the
    /// dead silo until the cluster declares it dead. Letting that failure escape would make SignalR
    /// close the connection with "do not reconnect", and the client would give up for good. So the
    /// connect step is retried while the cluster heals (the client's first calls wait meanwhile);
    /// if it still fails, the connection is aborted, which the client's automatic reconnect retries.
    /// A store that is briefly down (a user grain that cannot read its state to activate) is waited
    /// out the same way: the connection stays open and serves as soon as the store answers.
    /// </summary>
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        _open[context.Context.ConnectionId] = context.Context;
        var deadline = DateTime.UtcNow + RetryWindow;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await next(context);
                context.Context.Items[OpenedMark] = true;
                EdgeMetrics.ConnectionOpened();
                return;
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException || RefusalClassifier.Classify(ex).Transient)
            {
                if (DateTime.UtcNow > deadline || context.Context.ConnectionAborted.IsCancellationRequested)
                {
                    LogConnectAbandoned(logger, context.Context.ConnectionId, attempt, ex);
                    Drop(context.Context);
                    return;
                }

                LogConnectRetry(logger, context.Context.ConnectionId, attempt, ex.Message);
                await Task.Delay(RetryEvery, context.Context.ConnectionAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            catch (Exception ex)
            {
                // Not the cluster healing, so no retry; but the exception must not escape either.
                // SignalR would close the connection without ever running its disconnect step, and
                // the node's routes and the user's grain would keep a connection that is gone (the
                // user would stay online). Cut it instead: its disconnect then runs as for any other.
                LogConnectFailed(logger, context.Context.ConnectionId, ex);
                Drop(context.Context);
                return;
            }
        }
    }

    /// <summary>A connection counts as open until its disconnect has been handled (the user grain told), so a drain that waits for none to be open also waits for that.</summary>
    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try
        {
            await next(context, exception);
        }
        finally
        {
            _open.TryRemove(context.Context.ConnectionId, out _);
            var items = context.Context.Items;
            if (items.ContainsKey(OpenedMark))
            {
                EdgeMetrics.ConnectionClosed(items.ContainsKey(SlowConsumerGuard.CutMark) ? EdgeMetrics.ClosedSlowConsumer
                    : items.ContainsKey(DroppedMark) ? EdgeMetrics.ClosedByNode
                    : exception is null ? EdgeMetrics.ClosedByClient : EdgeMetrics.ClosedByError);
            }
        }
    }

    /// <summary>Closes every open connection; official clients with automatic reconnect come back through the load balancer.</summary>
    public int AbortAll()
    {
        var aborted = 0;
        foreach (var connection in _open.Values)
        {
            Drop(connection);
            aborted++;
        }

        return aborted;
    }

    /// <summary>
    /// Closes one connection for good: SignalR's close message tells the client not to reconnect
    /// (an operator disconnecting a user wants them gone, not back a second later).
    /// </summary>
    public bool Close(string connectionId)
    {
        if (!_open.TryGetValue(connectionId, out var connection))
        {
            return false;
        }

        connection.Abort();
        return true;
    }

    /// <summary>
    /// Closes a connection so that the client's automatic reconnect retries. SignalR's own
    /// <see cref="HubCallerContext.Abort"/> would first send a close message that forbids
    /// reconnecting, and the official clients then give up for good; cutting the socket instead
    /// reads to them as a lost connection.
    /// </summary>
    private static void Drop(HubCallerContext connection)
    {
        connection.Items[DroppedMark] = true;
        if (connection.GetHttpContext() is { } http)
        {
            http.Abort();
        }
        else
        {
            connection.Abort();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connect of {ConnectionId} failed (attempt {Attempt}: {Reason}); the cluster may be healing, retrying")]
    private static partial void LogConnectRetry(ILogger logger, string connectionId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connect of {ConnectionId} failed; closing it")]
    private static partial void LogConnectFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connect of {ConnectionId} failed {Attempt} times; closing it so that the client reconnects")]
    private static partial void LogConnectAbandoned(ILogger logger, string connectionId, int attempt, Exception exception);
}
