using Microsoft.Extensions.Options;

namespace OrleansChat.Edge.Auth;

/// <summary>
/// <c>GET /api/auth/config</c>: how the web page signs in. With dev tokens it offers the name form and a
/// demo banner; without, it takes a token handed over by the host application (<c>#access_token=…</c>)
/// or sends the visitor to <see cref="AuthOptions.SignInUrl"/>. Nothing secret is in it.
/// </summary>
public static class AuthConfigEndpoint
{
    public const string Path = "/api/auth/config";

    public sealed record Response(bool DevTokens, string SignInUrl, string UserIdClaim);

    public static IResult Handle(IOptions<AuthOptions> options) =>
        Results.Ok(new Response(options.Value.DevTokens, options.Value.SignInUrl, options.Value.UserIdClaim));
}
