using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Orleans.Chat.Edge.Hubs;
using Orleans.Chat.Edge.Routing;

namespace Orleans.Chat.Edge.Hosting;

/// <summary>
/// Holds each user to <see cref="EdgeOptions.MaxConnectionsPerUser"/> hub connections on this node.
/// Runs after authentication, on the requests that open a connection (negotiate, and a WebSocket
/// upgrade, which official clients may send without negotiating); the next one gets 429 and a
/// sentence saying why, before any work is done for it. nginx does not retry a 429 elsewhere: the
/// user's other nodes would refuse it as well once the user has connections there.
/// </summary>
public sealed class UserConnectionLimit(IOptions<EdgeOptions> options, LocalRoutes routes)
{
    private readonly int _max = options.Value.MaxConnectionsPerUser;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (OpensConnection(request)
            && context.User.FindFirst(JwtRegisteredClaimNames.Sub)?.Value is { } userId
            && routes.ConnectionCountOf(userId) >= _max)
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            await context.Response.WriteAsync($"user {userId} already holds the maximum of {_max} connections on this node; close one first");
            return;
        }

        await next(context);
    }

    private static bool OpensConnection(HttpRequest request) =>
        request.Path.StartsWithSegments(HubNames.HubPath + "/negotiate")
        || (request.Path.StartsWithSegments(HubNames.HubPath)
            && request.Headers.Upgrade.ToString().Equals("websocket", StringComparison.OrdinalIgnoreCase));
}
