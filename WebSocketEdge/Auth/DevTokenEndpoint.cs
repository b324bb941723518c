using System.Text.Json;
using OrleansChat.Messages;

namespace OrleansChat.Edge.Auth;

/// <summary><c>POST /api/auth/dev-token</c>: a token for any valid user id, for development and the local cluster.</summary>
public static class DevTokenEndpoint
{
    public const string Path = "/api/auth/dev-token";

    /// <summary>Far more than <c>{"userId":"&lt;64 characters&gt;"}</c> needs; reading stops one byte past it and the body is refused.</summary>
    private const int MaxBodyBytes = 4096;

    private const string BadUserId = "userId must be 1-64 characters of A-Z a-z 0-9 _ . -";

    private static readonly string TooLarge = $"the body must be at most {MaxBodyBytes} bytes of JSON: {{\"userId\":\"...\"}}";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record Request(string? UserId);

    public sealed record Response(string AccessToken, string UserId, DateTimeOffset ExpiresAt);

    public sealed record ErrorBody(string Error);

    /// <summary>
    /// Reads the body itself rather than through model binding, so that every bad body (not JSON,
    /// a userId that is not a string, too large) gets the same JSON error as a bad user id instead of
    /// the framework's empty 400.
    /// </summary>
    public static async Task<IResult> HandleAsync(HttpRequest request, TokenIssuer issuer)
    {
        var buffer = new byte[MaxBodyBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), request.HttpContext.RequestAborted)) > 0)
        {
            length += read;
        }

        if (length > MaxBodyBytes)
        {
            return BadRequest(TooLarge);
        }

        Request? body;
        try
        {
            body = length == 0 ? null : JsonSerializer.Deserialize<Request>(buffer.AsSpan(0, length), Json);
        }
        catch (JsonException)
        {
            return BadRequest($"the body must be JSON: {{\"userId\":\"...\"}}; {BadUserId}");
        }

        if (body?.UserId is not { } userId || !ChatLimits.IsValidId(userId))
        {
            return BadRequest(BadUserId);
        }

        var (token, expiresAt) = issuer.Issue(userId);
        return Results.Ok(new Response(token, userId, expiresAt));
    }

    private static IResult BadRequest(string error) => Results.BadRequest(new ErrorBody(error));
}
