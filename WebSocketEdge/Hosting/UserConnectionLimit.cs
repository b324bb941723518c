using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using OrleansChat.Edge.Routing;

namespace OrleansChat.Edge.Hosting;

/// <summary>
/// Holds each user to <see cref="EdgeOptions.MaxConnectionsPerUser"/> hub connections on this node.
/// Runs after authentication, on the requests that open a connection (negotiate, and a WebSocket
/// upgrade, which official clients may send without negotiating); the next one gets 429 and a
/// sentence saying why, before any work is done for it. nginx passes a 429 on rather than trying
/// another node (it retries only errors, timeouts, 502 and 503). The count is of connections already
/// open, so a burst of simultaneous connects may pass it by a few.
/// </summary>
public sealed class UserConnectionLimit(IOptions<EdgeOptions> options, LocalRoutes routes)
{
    private readonly int _max = options.Value.MaxConnectionsPerUser;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (ConnectionLimit.OpensConnection(context.Request)
            && context.User.FindFirst(JwtRegisteredClaimNames.Sub)?.Value is { } userId
            && routes.ConnectionCountOf(userId) >= _max)
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            await context.Response.WriteAsync($"user {userId} already holds the maximum of {_max} connections on this node; close one first");
            return;
        }

        await next(context);
    }
}
