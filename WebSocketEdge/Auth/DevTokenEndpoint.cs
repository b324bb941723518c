using Orleans.Chat.Messages;

namespace Orleans.Chat.Edge.Auth;

/// <summary><c>POST /api/auth/dev-token</c>: a token for any valid user id, for development and the local cluster.</summary>
public static class DevTokenEndpoint
{
    public const string Path = "/api/auth/dev-token";

    public sealed record Request(string? UserId);

    public sealed record Response(string AccessToken, string UserId, DateTimeOffset ExpiresAt);

    public sealed record ErrorBody(string Error);

    public static IResult Handle(Request? request, TokenIssuer issuer)
    {
        if (request?.UserId is not { } userId || !ChatLimits.IsValidId(userId))
        {
            return Results.BadRequest(new ErrorBody("userId must be 1-64 characters of A-Z a-z 0-9 _ . -"));
        }

        var (token, expiresAt) = issuer.Issue(userId);
        return Results.Ok(new Response(token, userId, expiresAt));
    }
}
