namespace OrleansChat.Edge;

/// <summary>Tokens. Section <c>Chat:Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Chat:Auth";

    /// <summary>HMAC key for tokens, at least 32 characters. Empty: a random key per process (single node only). Default empty.</summary>
    public string SigningKey { get; set; } = "";

    /// <summary>Token issuer. Default <c>orleans-chat</c>.</summary>
    public string Issuer { get; set; } = "orleans-chat";

    /// <summary>Token audience. Default <c>orleans-chat</c>.</summary>
    public string Audience { get; set; } = "orleans-chat";

    /// <summary>How long an issued token is valid. Default 12 h.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Whether <c>POST /api/auth/dev-token</c> issues tokens to anyone who asks. Default false (true in appsettings of the embedded node and the local cluster).</summary>
    public bool DevTokens { get; set; }

    public override string ToString() => $"Issuer={Issuer}, Audience={Audience}, SigningKey={(SigningKey.Length == 0 ? "(random)" : "***")}";
}
