namespace OrleansChat.Edge;

/// <summary>The edge node itself. Section <c>Chat:Edge</c>.</summary>
public sealed class EdgeOptions
{
    public const string Section = "Chat:Edge";

    /// <summary>How often the node renews itself in the node directory. Default 5 s.</summary>
    public TimeSpan NodeRenewInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the node re-confirms every room subscription (a safety net; activations also trigger it). Default 30 s.</summary>
    public TimeSpan ResubscribeInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Hub connections this node accepts before refusing more (keep under the process fd limit). Default 18000.</summary>
    public long MaxConnections { get; set; } = 18_000;

    /// <summary>
    /// Hub connections one user may hold on this node (tabs and devices); one more is refused with
    /// 429 before it opens, so that one token cannot take the whole node. Default 20.
    /// </summary>
    public int MaxConnectionsPerUser { get; set; } = 20;

    /// <summary>
    /// A second HTTP port, for operators only: the Orleans Dashboard (<c>/dashboard</c>) and the node's
    /// cluster view (<c>/cluster</c>) answer only on it. Never expose it publicly. 0 = off (no dashboard). Default 0.
    /// </summary>
    public int InternalPort { get; set; }

    /// <summary>
    /// Whether the internal port serves the Orleans Dashboard. Off keeps <c>/cluster</c> there and saves
    /// what the dashboard costs every node: ~80 MB of memory (its metrics collection preallocates per
    /// instrument) and a per-second collection (~15 % of an idle node's CPU). Default on.
    /// </summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>On SIGTERM, how long the node waits for its clients to reconnect elsewhere before closing the rest. Default 5 s.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

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

/// <summary>Per-user limits on sends and on the other calls that reach every member. Section <c>Chat:RateLimit</c>.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Chat:RateLimit";

    /// <summary>Sends a user may make at once. The contract promises at least 30. Default 30.</summary>
    public int Burst { get; set; } = 30;

    /// <summary>
    /// Sustained sends per second per user. The contract promises at least 5. Default 6: one more
    /// than promised, so a client that sends exactly 5 a second after its burst is not refused when
    /// the network bunches two of its messages (at exactly 5 its bucket would stay empty).
    /// </summary>
    public double PerSecond { get; set; } = 6;

    /// <summary>
    /// Joins, leaves, typing notices, read marks, edits and deletes a user may make at once (their own
    /// bucket, so they never use up sends). Each reaches every member of the room. Default 60.
    /// </summary>
    public int ActionBurst { get; set; } = 60;

    /// <summary>Sustained joins, leaves, typing notices, read marks, edits and deletes per second per user. Default 10.</summary>
    public double ActionsPerSecond { get; set; } = 10;

    /// <summary>
    /// History, resume, presence and room-list reads a user may make at once (a third bucket). Each
    /// reads the store, up to 1 000 messages for a resume; the burst covers a client that resumes
    /// hundreds of rooms after a reconnect. Default 300.
    /// </summary>
    public int ReadBurst { get; set; } = 300;

    /// <summary>Sustained history, resume, presence and room-list reads per second per user. Default 50.</summary>
    public double ReadsPerSecond { get; set; } = 50;
}
