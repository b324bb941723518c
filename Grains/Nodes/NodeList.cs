using Microsoft.Extensions.Logging;
using OrleansChat.Nodes;

namespace OrleansChat.Grains.Nodes;

/// <summary>
/// A per-silo cache of the node directory, so that a burst of grain activations (a reconnect storm)
/// asks the single directory grain about once a second instead of once per activation.
/// </summary>
public sealed partial class NodeList(IGrainFactory grains, TimeProvider time, ILogger<NodeList> logger)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private IReadOnlyList<NodeInfo> _nodes = [];
    private DateTimeOffset _fetched = DateTimeOffset.MinValue;

    /// <summary>The live nodes, at most a second old; <paramref name="fresh"/> asks the directory now (and refreshes the cache).</summary>
    public async Task<IReadOnlyList<NodeInfo>> GetAsync(bool fresh = false)
    {
        var asked = time.GetUtcNow();
        if (!fresh && asked - _fetched < MaxAge)
        {
            return _nodes;
        }

        await _refresh.WaitAsync();
        try
        {
            // Whoever waited for the gate may find that a fetch begun after it asked has just finished.
            if (_fetched < asked && (fresh || time.GetUtcNow() - _fetched >= MaxAge))
            {
                var started = time.GetUtcNow();
                _nodes = await grains.GetGrain<INodeDirectoryGrain>(0).GetNodes();
                _fetched = started;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A node list that is a little old is better than failing the activation that asked.
            LogDirectoryUnavailable(logger, ex);
        }
        finally
        {
            _refresh.Release();
        }

        return _nodes;
    }

    /// <summary>
    /// The ids of the live nodes, for finding the dead ones; null when the directory lists none,
    /// which means the directory itself just restarted and is refilling, not that every node died.
    /// </summary>
    public async Task<IReadOnlySet<string>?> GetLiveIdsAsync(bool fresh = false)
    {
        var live = (await GetAsync(fresh)).Select(n => n.NodeId).ToHashSet(StringComparer.Ordinal);
        return live.Count == 0 ? null : live;
    }

    /// <summary>Sends <paramref name="call"/> to every live node; calls are one-way so this never waits on a node.</summary>
    public async Task BroadcastAsync(Action<IChatNode> call)
    {
        foreach (var node in await GetAsync())
        {
            call(node.Node);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The node directory did not answer; using the last known node list")]
    private static partial void LogDirectoryUnavailable(ILogger logger, Exception exception);
}
