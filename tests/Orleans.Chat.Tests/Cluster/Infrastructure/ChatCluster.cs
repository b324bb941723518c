using System.Globalization;
using System.Text.Json;
using OrleansChat.Tests.Infrastructure;
using OrleansChat.Tests.Storage.Infrastructure;

namespace OrleansChat.Tests.Cluster.Infrastructure;

/// <summary>
/// A real local cluster as <c>scripts/cluster.sh</c> runs it: a private Redis (membership, grain
/// state, history), N node processes with Redis clustering on free ports, and nginx in front.
/// Each test that kills or restarts nodes owns its cluster; the cluster id and service id are fresh.
/// </summary>
public sealed class ChatCluster : IAsyncDisposable
{
    private readonly RedisServerFixture _redis;
    private readonly string _clusterId = "test-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _signingKey = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + Guid.NewGuid().ToString("N");
    private readonly Dictionary<string, string> _extra;

    private ChatCluster(IReadOnlyDictionary<string, string>? extra, bool durableStore)
    {
        _redis = new RedisServerFixture(durableStore);
        _extra = new Dictionary<string, string>(extra ?? new Dictionary<string, string>(), StringComparer.Ordinal);
    }

    /// <summary>Node slots; a slot keeps its ports across restarts, like a launcher node number.</summary>
    public List<NodeSlot> Nodes { get; } = [];

    public NginxProcess Nginx { get; private set; } = null!;

    public string Url => Nginx.BaseUrl;

    public string RedisConnectionString => _redis.ConnectionString;

    /// <summary>Also the service id: both are this fresh value.</summary>
    public string ClusterId => _clusterId;

    /// <param name="durableStore">Redis fsyncs every write to an append-only file, so it can be killed and restarted without losing what it acknowledged.</param>
    public static async Task<ChatCluster> StartAsync(int nodes, IReadOnlyDictionary<string, string>? extra = null, bool durableStore = false)
    {
        var cluster = new ChatCluster(extra, durableStore);
        try
        {
            await cluster._redis.InitializeAsync();
            for (var i = 0; i < nodes; i++)
            {
                cluster.Nodes.Add(new NodeSlot(i + 1, Ports.Free(), Ports.Free(), Ports.Free(), Ports.Free()));
            }

            // The first silo must be up before the others join, or they all wait on each other's probes.
            await cluster.StartNodeAsync(cluster.Nodes[0]);
            await Task.WhenAll(cluster.Nodes.Skip(1).Select(cluster.StartNodeAsync));
            cluster.Nginx = await NginxProcess.StartAsync(cluster.LivePorts());
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async Task<NodeSlot> AddNodeAsync()
    {
        var slot = new NodeSlot(Nodes.Count + 1, Ports.Free(), Ports.Free(), Ports.Free(), Ports.Free());
        Nodes.Add(slot);
        await StartNodeAsync(slot);
        return slot;
    }

    public async Task StartNodeAsync(NodeSlot slot)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Chat:Cluster:Clustering"] = "Redis",
            ["Chat:Cluster:ClusterId"] = _clusterId,
            ["Chat:Cluster:ServiceId"] = _clusterId,
            ["Chat:Cluster:AdvertisedAddress"] = "127.0.0.1",
            ["Chat:Redis:ConnectionString"] = _redis.ConnectionString,
            ["Chat:Store:Provider"] = "Redis",
            ["Chat:Edge:InternalPort"] = slot.InternalPort.ToString(CultureInfo.InvariantCulture),
            ["Chat:Edge:DrainTimeout"] = "00:00:02",
            ["Chat:Auth:SigningKey"] = _signingKey,
            ["Chat:Auth:DevTokens"] = "true",
        };
        foreach (var (key, value) in _extra)
        {
            settings[key] = value;
        }

        slot.Process = await EdgeProcess.StartAsync(settings, slot.HttpPort, slot.SiloPort, slot.GatewayPort);
        slot.NodeId = await NodeIdAsync(slot);
    }

    /// <summary>kill -9.</summary>
    public async Task KillAsync(NodeSlot slot)
    {
        var process = slot.Process ?? throw new InvalidOperationException($"node {slot.Number} is not running");
        await process.KillAsync();
        slot.LastOutput = process.Output;
        await process.DisposeAsync();
        slot.Process = null;
    }

    /// <summary>SIGTERM: the node drains and leaves the cluster.</summary>
    public async Task StopAsync(NodeSlot slot)
    {
        var process = slot.Process ?? throw new InvalidOperationException($"node {slot.Number} is not running");
        await process.StopAsync(TimeSpan.FromSeconds(40));
        slot.LastOutput = process.Output;
        await process.DisposeAsync();
        slot.Process = null;
    }

    /// <summary>kill -9 of Redis: membership, grain state and history all become unreachable at once.</summary>
    public Task KillStoreAsync() => _redis.KillAsync();

    public Task RestartStoreAsync() => _redis.RestartAsync();

    public Task ReloadNginxAsync() => Nginx.ReloadAsync(LivePorts());

    /// <summary>The node's own view of the cluster (<c>/cluster</c> on its internal port).</summary>
    public static async Task<JsonElement?> ClusterViewAsync(NodeSlot slot)
    {
        var body = await Http.GetStringAsync($"http://127.0.0.1:{slot.InternalPort}/cluster");
        return body is null ? null : JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The status <paramref name="observer"/> holds for the silo listening on <paramref name="siloPort"/> (newest generation).</summary>
    public static async Task<string?> SiloStatusAsync(NodeSlot observer, int siloPort)
    {
        var view = await ClusterViewAsync(observer);
        return view?.GetProperty("members").EnumerateArray()
            .Where(m => m.GetProperty("silo").GetString()?.Contains($":{siloPort}:", StringComparison.Ordinal) == true)
            .Select(m => (Silo: m.GetProperty("silo").GetString() ?? "", Status: m.GetProperty("status").GetString()))
            .OrderBy(m => m.Silo, StringComparer.Ordinal)
            .LastOrDefault().Status;
    }

    public string Logs() => string.Join("\n", Nodes.Select(n => $"--- node {n.Number}\n{n.Process?.Output ?? n.LastOutput}")) + $"\n--- nginx\n{Nginx?.Output}";

    public async ValueTask DisposeAsync()
    {
        foreach (var slot in Nodes)
        {
            if (slot.Process is { } process)
            {
                await process.DisposeAsync();
            }
        }

        if (Nginx is not null)
        {
            await Nginx.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }

    private IReadOnlyList<int> LivePorts() => Nodes.Where(n => n.Process is not null).Select(n => n.HttpPort).ToList();

    private static async Task<string> NodeIdAsync(NodeSlot slot)
    {
        var body = await Http.GetStringAsync($"http://127.0.0.1:{slot.HttpPort}/health") ?? throw new InvalidOperationException("no health");
        return JsonDocument.Parse(body).RootElement.GetProperty("node").GetString() ?? "";
    }
}

public sealed class NodeSlot(int number, int httpPort, int siloPort, int gatewayPort, int internalPort)
{
    public int Number { get; } = number;

    public int HttpPort { get; } = httpPort;

    public int SiloPort { get; } = siloPort;

    public int GatewayPort { get; } = gatewayPort;

    public int InternalPort { get; } = internalPort;

    public string Url => $"http://127.0.0.1:{HttpPort}";

    public EdgeProcess? Process { get; set; }

    public string NodeId { get; set; } = "";

    public string LastOutput { get; set; } = "";
}
