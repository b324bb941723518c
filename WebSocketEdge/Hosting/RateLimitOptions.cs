namespace OrleansChat.Edge;

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

    /// <summary>
    /// Hub connections a user may open at once on one node (a fourth bucket, taken by the request
    /// that opens one). Every connect and disconnect is a presence change the user's grain tells
    /// every node about, so a connect loop is limited; the burst covers the user's tabs and devices
    /// all reconnecting after a node restart. Default 30.
    /// </summary>
    public int ConnectBurst { get; set; } = 30;

    /// <summary>Sustained hub connections a user may open per second on one node. Default 0.5 (30 a minute).</summary>
    public double ConnectsPerSecond { get; set; } = 0.5;
}
