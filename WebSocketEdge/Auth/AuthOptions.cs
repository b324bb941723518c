namespace OrleansChat.Edge;

/// <summary>
/// Who may connect. Section <c>Chat:Auth</c>. Tokens come from an identity provider
/// (<see cref="Authority"/>: OIDC discovery and its JWKS), from a host application sharing
/// <see cref="SigningKey"/> (HS256), or, for development and demos only, from the node itself (<see cref="DevTokens"/>).
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Chat:Auth";

    /// <summary>
    /// HMAC key (HS256) shared with whatever signs tokens: a host application, or this node's dev
    /// tokens. At least 32 characters. Empty: a random key per process (one node only). Default empty.
    /// </summary>
    public string SigningKey { get; set; } = "";

    /// <summary>Issuer of HS256 tokens (tokens from <see cref="Authority"/> carry the issuer its discovery document names). Default <c>orleans-chat</c>.</summary>
    public string Issuer { get; set; } = "orleans-chat";

    /// <summary>Audience every accepted token must name, whoever signed it. Default <c>orleans-chat</c>.</summary>
    public string Audience { get; set; } = "orleans-chat";

    /// <summary>The longest <see cref="TokenLifetime"/> accepted: a hub connection lives at most this long on one token.</summary>
    public static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromHours(24);

    /// <summary>How long a dev token is valid, 1 minute to 24 h; a hub connection closes when its token expires. Default 12 h.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// Whether <c>POST /api/auth/dev-token</c> issues a token for any user id to anyone who asks: anyone
    /// can be anyone. For development and demos only; outside Development the node logs a warning and
    /// the page shows a banner. Default false (true in appsettings.Development.json and the local launcher).
    /// </summary>
    public bool DevTokens { get; set; }

    /// <summary>
    /// OpenID Connect issuer URL whose tokens are accepted: its keys come from
    /// <c>{Authority}/.well-known/openid-configuration</c> and the JWKS it names, refreshed as the
    /// provider rotates them. Empty: no identity provider. Default empty.
    /// </summary>
    public string Authority { get; set; } = "";

    /// <summary>Whether <see cref="Authority"/> must be https. Turn off only for a provider on the same host or in tests. Default true.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// The only algorithms accepted for tokens from <see cref="Authority"/>, comma-separated (asymmetric
    /// only: RS*, PS*, ES*). HS256 is accepted only with <see cref="SigningKey"/>. Default <c>RS256,ES256</c>.
    /// </summary>
    public string Algorithms { get; set; } = "RS256,ES256";

    /// <summary>The claim holding the chat user id (it must be a valid user id: 1-64 of <c>A-Z a-z 0-9 _ . -</c>). Default <c>sub</c>.</summary>
    public string UserIdClaim { get; set; } = "sub";

    /// <summary>
    /// Where the web page sends a visitor who has no token (when dev tokens are off): the host
    /// application's sign-in, which comes back to the page with <c>#access_token=…</c>. Empty: the page
    /// says to open the chat from the host application. Default empty.
    /// </summary>
    public string SignInUrl { get; set; } = "";

    /// <summary>The asymmetric algorithms in <see cref="Algorithms"/>, trimmed.</summary>
    public IReadOnlyList<string> AlgorithmList =>
        Algorithms.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() =>
        $"Issuer={Issuer}, Audience={Audience}, Authority={(Authority.Length == 0 ? "(none)" : Authority)}, DevTokens={DevTokens}, SigningKey={(SigningKey.Length == 0 ? "(random)" : "***")}";
}
