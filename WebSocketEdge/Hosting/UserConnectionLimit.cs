using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using OrleansChat.Edge.Hubs;
using OrleansChat.Edge.RateLimiting;
using OrleansChat.Edge.Routing;
using OrleansChat.Edge.Telemetry;

namespace OrleansChat.Edge.Hosting;

/// <summary>
/// Holds each user to <see cref="EdgeOptions.MaxConnectionsPerUser"/> hub connections on this node.
/// Runs after authentication. A connection counts from the moment its socket is upgraded (or its
/// Server-Sent Events stream opens), not from the SignalR handshake: a client that opens sockets
/// and never sends the handshake holds them all the same (each for SignalR's 15 s handshake
/// timeout, and opens the next ones meanwhile). Connections on long polling hold no socket and are
/// counted once routed. A request that would open one more gets 429 and a sentence saying why,
/// before any work is done for it; nginx passes a 429 on rather than trying another node (it
/// retries only errors, timeouts, 502 and 503).
/// It also holds each user to a connect rate (<see cref="UserRateLimiter.TryAcquireConnect"/>): a
/// connect/disconnect loop is refused with 429 and a <c>Retry-After</c>.
/// </summary>
public sealed class UserConnectionLimit(IOptions<EdgeOptions> options, LocalRoutes routes, UserRateLimiter limiter)
{
    private readonly int _max = options.Value.MaxConnectionsPerUser;

    /// <summary>Sockets (WebSockets and event streams) each user holds open on this node, handshake or not.</summary>
    private readonly ConcurrentDictionary<string, int> _sockets = new(StringComparer.Ordinal);

    public int SocketsOf(string userId) => _sockets.GetValueOrDefault(userId);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments(HubNames.HubPath)
            || context.User.FindFirst(JwtRegisteredClaimNames.Sub)?.Value is not { } userId)
        {
            await next(context);
            return;
        }

        // One token per connection: its negotiate, or its transport request when it skipped negotiating.
        if ((context.Request.Path.StartsWithSegments(HubNames.HubPath + "/negotiate") || !context.Request.Query.ContainsKey("id"))
            && !limiter.TryAcquireConnect(userId, out var retryAfter))
        {
            await RefuseRateAsync(context, userId, retryAfter);
            return;
        }

        if (!HoldsSocket(context.Request))
        {
            // A negotiate opens a connection too; refused once the user's sockets or routed
            // connections are at the limit. Polls and sends of open connections go on.
            if (ConnectionLimit.OpensConnection(context.Request) && Math.Max(SocketsOf(userId), routes.ConnectionCountOf(userId)) >= _max)
            {
                await RefuseAsync(context, userId);
                return;
            }

            await next(context);
            return;
        }

        // Counted first, then checked, so that simultaneous upgrades cannot all see room for one more.
        var held = _sockets.AddOrUpdate(userId, 1, (_, n) => n + 1);
        try
        {
            if (held > _max || routes.ConnectionCountOf(userId) >= _max)
            {
                await RefuseAsync(context, userId);
                return;
            }

            await next(context);
        }
        finally
        {
            if (_sockets.AddOrUpdate(userId, 0, (_, n) => n - 1) <= 0)
            {
                _sockets.TryRemove(new KeyValuePair<string, int>(userId, 0));
            }
        }
    }

    /// <summary>A WebSocket upgrade or a Server-Sent Events stream: requests that last as long as their connection.</summary>
    internal static bool HoldsSocket(HttpRequest request) =>
        request.Headers.Upgrade.ToString().Equals("websocket", StringComparison.OrdinalIgnoreCase)
        || (HttpMethods.IsGet(request.Method) && request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase));

    private static Task RefuseRateAsync(HttpContext context, string userId, TimeSpan retryAfter)
    {
        EdgeMetrics.ConnectionRefused(EdgeMetrics.RefusedConnectRate);
        var seconds = (int)Math.Ceiling(Math.Max(1, retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return context.Response.WriteAsync($"user {userId} connects too often; retry in {seconds} s");
    }

    private Task RefuseAsync(HttpContext context, string userId)
    {
        EdgeMetrics.ConnectionRefused(EdgeMetrics.RefusedUserLimit);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        return context.Response.WriteAsync($"user {userId} already holds the maximum of {_max} connections on this node; close one first");
    }
}
