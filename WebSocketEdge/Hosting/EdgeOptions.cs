namespace OrleansChat.Edge;

/// <summary>The edge node itself. Section <c>Chat:Edge</c>.</summary>
public sealed class EdgeOptions
{
    public const string Section = "Chat:Edge";

    /// <summary>How often the node re-confirms every room subscription (a safety net; activations also trigger it). Default 30 s.</summary>
    public TimeSpan ResubscribeInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Hub connections this node accepts before refusing more (keep under the process fd limit). Default 18000.</summary>
    public long MaxConnections { get; set; } = 18_000;

    /// <summary>
    /// Bytes this node holds for one connection that its client has not taken yet. A client that
    /// reads slower than its events arrive (or not at all) is disconnected once this much waits for
    /// it; its client reconnects and resumes by seq. Above one <c>Resume</c> answer (~1 MB), so a
    /// client that reads at network speed never reaches it. Default 2 MiB.
    /// </summary>
    public long MaxQueuedBytesPerConnection { get; set; } = 2 * 1024 * 1024;

    /// <summary>
    /// How long a connection cut as a slow consumer may still send what it holds, so that a client
    /// that reads slowly, rather than not at all, gets the close message with its reason; then the socket
    /// is aborted and its buffer freed. 0 to 5 minutes; default 5 s.
    /// </summary>
    public TimeSpan SlowConsumerCloseGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Hub connections one user may hold on this node (tabs and devices); one more is refused with
    /// 429 before it opens, so that one token cannot take the whole node. Default 20.
    /// </summary>
    public int MaxConnectionsPerUser { get; set; } = 20;

    /// <summary>
    /// Connect steps (the user grain's registration and the routing to every room of the user) this
    /// node runs at once; the others wait in a queue. Default 64.
    /// </summary>
    public int MaxConnectsInFlight { get; set; } = 64;

    /// <summary>
    /// New connections that may wait for a connect step; one more is refused at once with 503 and
    /// <c>Retry-After</c> (nginx tries another node, clients retry with jitter). Default 1000.
    /// </summary>
    public int ConnectQueueLength { get; set; } = 1000;

    /// <summary>
    /// A second HTTP port, for operators only: the Orleans Dashboard (<c>/dashboard</c>) and the node's
    /// cluster view (<c>/cluster</c>) answer only on it. Never expose it publicly. 0 = off (no dashboard). Default 0.
    /// </summary>
    public int InternalPort { get; set; }

    /// <summary>
    /// Whether the internal port serves the Orleans Dashboard. It samples every silo each second
    /// whether anyone looks or not (about a third of an idle node's CPU) and holds ~80 MB of memory
    /// (its metrics collection preallocates per instrument), so it is for operators who ask for it.
    /// Off keeps <c>/cluster</c> and <c>/metrics</c>. Default off.
    /// </summary>
    public bool Dashboard { get; set; }

    /// <summary>On SIGTERM, how long the node waits for its clients to reconnect elsewhere before closing the rest. Default 5 s.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
