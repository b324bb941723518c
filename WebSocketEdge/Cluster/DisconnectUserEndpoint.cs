using OrleansChat.Messages;
using OrleansChat.Users;

namespace OrleansChat.Edge.Cluster;

/// <summary>
/// <c>POST /users/{userId}/disconnect</c> on the internal port: closes the user's hub connections on
/// every node, telling their clients not to reconnect. The user's tokens stay valid until they
/// expire (<c>Chat:Auth:TokenLifetime</c>), so keeping someone out also means no longer issuing
/// them tokens; this endpoint ends the sessions that are open now.
/// </summary>
internal static class DisconnectUserEndpoint
{
    public const string Path = "/users/{userId}/disconnect";

    public static async Task<IResult> HandleAsync(string userId, IGrainFactory grains)
    {
        if (!ChatLimits.IsValidId(userId))
        {
            return Results.BadRequest(new { error = "invalid user id: use 1-64 of A-Z a-z 0-9 _ . -" });
        }

        var closed = await grains.GetGrain<IUserGrain>(userId).DisconnectEverywhere();
        return Results.Json(new { userId, closed });
    }
}
