using Microsoft.Extensions.Options;
using OrleansChat.Edge.Hubs;
using OrleansChat.Edge.Telemetry;

namespace OrleansChat.Edge.Hosting;

/// <summary>
/// Holds the hub's requests in flight to <see cref="EdgeOptions.MaxConnections"/>: WebSockets, and
/// also Server-Sent Events streams and long polls, which hold a socket just as long (and the negotiate
/// step they start with). One more is refused before any work is done for it, with a 503,
/// <c>Retry-After</c> and a sentence saying why: nginx then tries another node, and a client talking
/// to the node directly learns that this node is full. The node itself never runs out of file
/// descriptors (Kestrel's own upgrade limit stays as a backstop for WebSockets).
/// </summary>
public sealed class ConnectionLimit(IOptions<EdgeOptions> options)
{
    private readonly long _max = options.Value.MaxConnections;
    private long _open;

    /// <summary>
    /// Kestrel's own limit, a little above ours: a socket Kestrel still counts for a moment after this
    /// class let it go must not turn the next client's upgrade into a plain HTTP answer.
    /// </summary>
    public static long BackstopFor(long maxConnections) => maxConnections + 64;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments(HubNames.HubPath))
        {
            await next(context);
            return;
        }

        // Every request counts, since each holds a socket, but only one that would open a new
        // connection is refused: the polls and sends of clients already connected over Server-Sent
        // Events or long polling go on, as a full node's connected clients must not be cut off.
        if (Interlocked.Increment(ref _open) > _max && OpensConnection(context.Request))
        {
            Interlocked.Decrement(ref _open);
            EdgeMetrics.ConnectionRefused(EdgeMetrics.RefusedNodeFull);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            await context.Response.WriteAsync($"this node already holds its maximum of {_max} connections; retry, or connect to another node");
            return;
        }

        try
        {
            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    /// <summary>A hub request that opens a connection: a negotiate, a WebSocket upgrade, or a transport request without the <c>id</c> of a negotiated connection.</summary>
    internal static bool OpensConnection(HttpRequest request) =>
        request.Path.StartsWithSegments(HubNames.HubPath)
        && (request.Path.StartsWithSegments(HubNames.HubPath + "/negotiate")
            || request.Headers.Upgrade.ToString().Equals("websocket", StringComparison.OrdinalIgnoreCase)
            || !request.Query.ContainsKey("id"));
}
