using System.Globalization;
using OrleansChat.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansChat.Tests.Cluster.Infrastructure;

/// <summary>
/// What the whole cluster has done so far, as counts: grain and node calls by interface and method
/// (every node's <c>chat_grain_calls_total</c>), message store calls, Orleans messages between
/// silos, and the commands the Redis server (grain state, history and membership) has run.
/// Two snapshots' difference is the cost of what happened between them.
/// </summary>
public sealed class ClusterCounts
{
    private ClusterCounts(Dictionary<string, double> calls, double storeCalls, double siloMessages, Dictionary<string, double> redisCommands, double connections)
    {
        Connections = connections;
        Calls = calls;
        StoreCalls = storeCalls;
        SiloMessages = siloMessages;
        RedisCommands = redisCommands;
    }

    /// <summary>Calls by <c>Interface.Method</c>.</summary>
    public IReadOnlyDictionary<string, double> Calls { get; }

    public double StoreCalls { get; }

    /// <summary>Orleans messages sent from one silo to another (requests, answers and one-way calls; membership and directory traffic included).</summary>
    public double SiloMessages { get; }

    /// <summary>Redis commands by name.</summary>
    public IReadOnlyDictionary<string, double> RedisCommands { get; }

    /// <summary>Hub connections open on all nodes.</summary>
    public double Connections { get; }

    public static async Task<ClusterCounts> TakeAsync(ChatCluster cluster, IServer redis)
    {
        var calls = new Dictionary<string, double>(StringComparer.Ordinal);
        double store = 0, silo = 0, connections = 0;
        foreach (var node in cluster.Nodes)
        {
            var scrape = await PrometheusText.ScrapeAsync($"http://127.0.0.1:{node.InternalPort}/metrics");
            foreach (var (labels, value) in scrape.Series("chat_grain_calls_total"))
            {
                var key = $"{labels.GetValueOrDefault("interface")}.{labels.GetValueOrDefault("method")}";
                calls[key] = calls.GetValueOrDefault(key) + value;
            }

            store += scrape.Sum("chat_store_duration_seconds_count");
            silo += scrape.Sum("orleans_messaging_sent_messages_size_bytes_count", ("ConnectionDirection", "SiloToSilo"));
            connections += scrape.Sum("chat_connections_current");
        }

        return new ClusterCounts(calls, store, silo, await RedisCommandsAsync(redis), connections);
    }

    /// <summary>Calls of <paramref name="key"/> (<c>Interface.Method</c>) since <paramref name="before"/>.</summary>
    public double CallsSince(ClusterCounts before, string key) => Calls.GetValueOrDefault(key) - before.Calls.GetValueOrDefault(key);

    /// <summary>Every call of a chat interface since <paramref name="before"/>, by <c>Interface.Method</c> (Orleans' own system calls left out).</summary>
    public IReadOnlyDictionary<string, double> ChatCallsSince(ClusterCounts before) =>
        Calls.Keys.Where(k => k.StartsWith("IUserGrain.", StringComparison.Ordinal) || k.StartsWith("IRoomGrain.", StringComparison.Ordinal)
                || k.StartsWith("IChatNode.", StringComparison.Ordinal) || k.StartsWith("INodeDirectoryGrain.", StringComparison.Ordinal)
                || k.StartsWith("IRoomActivityGrain.", StringComparison.Ordinal))
            .Select(k => (Key: k, Count: CallsSince(before, k)))
            .Where(c => c.Count > 0)
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .ToDictionary(c => c.Key, c => c.Count, StringComparer.Ordinal);

    /// <summary>One line per count, for the test's output and docs/architecture.md.</summary>
    public string Describe(ClusterCounts before)
    {
        var chat = ChatCallsSince(before);
        var lines = chat.Select(c => $"  {c.Key}: {c.Value}").ToList();
        lines.Add($"  chat calls in all: {chat.Values.Sum()}");
        lines.Add($"  message store calls: {StoreCalls - before.StoreCalls}");
        var redis = RedisCommands.Select(c => (c.Key, Count: c.Value - before.RedisCommands.GetValueOrDefault(c.Key))).Where(c => c.Count > 0).ToList();
        lines.Add($"  redis commands (grain state, history, membership; INFO and PING excluded): {redis.Sum(c => c.Count)} ({string.Join(", ", redis.Select(c => $"{c.Key} {c.Count}"))})");
        lines.Add($"  orleans messages between silos (background included): {SiloMessages - before.SiloMessages}");
        return string.Join('\n', lines);
    }

    /// <summary>Commands the server ran, apart from the INFO calls that read this count and clients' keep-alive pings.</summary>
    private static async Task<Dictionary<string, double>> RedisCommandsAsync(IServer server)
    {
        var stats = await server.InfoAsync("commandstats");
        var total = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var entry in stats.SelectMany(g => g))
        {
            // cmdstat_get:calls=3,usec=…
            if (entry.Key.StartsWith("cmdstat_", StringComparison.Ordinal) && entry.Key is not ("cmdstat_info" or "cmdstat_ping" or "cmdstat_echo")
                && entry.Value.Split(',')[0].Split('=') is ["calls", var calls])
            {
                total[entry.Key["cmdstat_".Length..]] = double.Parse(calls, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }
}
