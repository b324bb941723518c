using System.Globalization;

namespace OrleansChat.Tests.Cluster.Infrastructure;

/// <summary>
/// How hard a chaos run shakes the cluster. The defaults are the short form CI runs; <c>scripts/chaos.sh</c>
/// sets <c>CHAOS_*</c> variables for the long form (minutes, a kill every 20 s, 60+ users).
/// </summary>
/// <param name="Target">What is killed: <c>node</c> (a chat node, each in turn) or <c>store</c> (the cluster's Redis: store and membership).</param>
public sealed record ChaosPlan(int Users, int RoomSize, TimeSpan SendEvery, TimeSpan Duration, TimeSpan KillEvery, TimeSpan DownFor, string Streams, string Target = "node")
{
    /// <summary>
    /// CI: 12 users in rooms of 4 at 2 msg/s, a kill -9 every 8 s for 16 s (two nodes in turn), each
    /// started again 1 s later. About a minute on a quiet machine, most of it starting node processes.
    /// </summary>
    public static ChaosPlan Short { get; } = new(12, 4, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(16), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(1), "Memory");

    public int Kills => (int)(Duration / KillEvery);

    /// <summary>The short form, with whatever <c>CHAOS_USERS</c>, <c>CHAOS_ROOM_SIZE</c>, <c>CHAOS_SEND_EVERY_MS</c>, <c>CHAOS_SECONDS</c>, <c>CHAOS_KILL_EVERY_SECONDS</c>, <c>CHAOS_DOWN_SECONDS</c>, <c>CHAOS_STREAMS</c> (Memory or Kafka) and <c>CHAOS_TARGET</c> (node or store) say.</summary>
    public static ChaosPlan FromEnvironment() => new(
        Int("CHAOS_USERS", Short.Users),
        Int("CHAOS_ROOM_SIZE", Short.RoomSize),
        TimeSpan.FromMilliseconds(Int("CHAOS_SEND_EVERY_MS", (int)Short.SendEvery.TotalMilliseconds)),
        TimeSpan.FromSeconds(Int("CHAOS_SECONDS", (int)Short.Duration.TotalSeconds)),
        TimeSpan.FromSeconds(Int("CHAOS_KILL_EVERY_SECONDS", (int)Short.KillEvery.TotalSeconds)),
        TimeSpan.FromSeconds(Int("CHAOS_DOWN_SECONDS", (int)Short.DownFor.TotalSeconds)),
        Environment.GetEnvironmentVariable("CHAOS_STREAMS") is { Length: > 0 } streams ? streams : Short.Streams,
        Environment.GetEnvironmentVariable("CHAOS_TARGET") is { Length: > 0 } target ? target : Short.Target);

    public bool KillsStore => string.Equals(Target, "store", StringComparison.OrdinalIgnoreCase);

    private static int Int(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
