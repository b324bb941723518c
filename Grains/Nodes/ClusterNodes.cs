using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OrleansChat.Nodes;
using Orleans.Runtime;

namespace OrleansChat.Grains.Nodes;

/// <summary>
/// The cluster's edge nodes as this silo knows them. Every node is co-hosted with a silo and its id
/// is that silo's address (<see cref="SiloAddress.ToParsableString"/>, generation included, so a
/// restarted node is a new node). Whether a node is alive is what Orleans cluster membership says
/// of its silo, and nothing else: no expiry, no renewal. The node directory only maps node ids to
/// observer references; this silo keeps that map and asks the directory again only when membership
/// shows a silo whose node it does not know yet.
/// </summary>
public sealed partial class ClusterNodes(
    IClusterMembershipService membership,
    IGrainFactory grains,
    TimeProvider time,
    ILogger<ClusterNodes> logger)
{
    /// <summary>A silo whose node has not registered yet (starting, or a silo without a node) is looked up at most this often.</summary>
    private static readonly TimeSpan RefetchAtMostEvery = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, SiloAddress?> _silos = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private readonly Lock _gate = new();
    private Dictionary<string, IChatNode> _nodes = new(StringComparer.Ordinal);
    private DateTimeOffset _fetched = DateTimeOffset.MinValue;
    private (MembershipVersion Version, string[] Ids) _active = (MembershipVersion.MinValue, []);

    /// <summary>
    /// Whether membership declared the node's silo dead. An id that names no silo (a test's stand-in
    /// node) or a silo this silo has not heard of yet is not dead: only membership declares deaths.
    /// </summary>
    public bool IsDead(string nodeId)
    {
        var silo = _silos.GetOrAdd(nodeId, static id => ParseSilo(id));
        return silo is not null && membership.CurrentSnapshot.GetSiloStatus(silo) == SiloStatus.Dead;
    }

    /// <summary>The nodes whose silos are not declared dead (active, or shutting down while their last clients leave).</summary>
    public async Task<IReadOnlyList<NodeInfo>> GetAsync()
    {
        if (MissesActiveSilo() && time.GetUtcNow() - _fetched >= RefetchAtMostEvery)
        {
            await RefreshAsync();
        }

        Dictionary<string, IChatNode> nodes;
        lock (_gate)
        {
            nodes = _nodes;
        }

        return nodes.Where(n => !IsDead(n.Key)).Select(n => new NodeInfo(n.Key, n.Value)).ToList();
    }

    /// <summary>Drops the nodes of silos membership declared dead; nothing else removes a node.</summary>
    public void Forget(IReadOnlySet<string> deadNodeIds)
    {
        lock (_gate)
        {
            if (_nodes.Keys.Any(deadNodeIds.Contains))
            {
                _nodes = _nodes.Where(n => !deadNodeIds.Contains(n.Key)).ToDictionary(StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Whether an active silo has no node here yet: a node joined, or (in tests) a silo hosts none.</summary>
    private bool MissesActiveSilo()
    {
        var snapshot = membership.CurrentSnapshot;
        var active = _active;
        if (active.Version != snapshot.Version)
        {
            active = (snapshot.Version, snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToParsableString()).ToArray());
            _active = active;
        }

        Dictionary<string, IChatNode> nodes;
        lock (_gate)
        {
            nodes = _nodes;
        }

        return nodes.Count == 0 || active.Ids.Any(id => !nodes.ContainsKey(id));
    }

    private async Task RefreshAsync()
    {
        var asked = time.GetUtcNow();
        await _refresh.WaitAsync();
        try
        {
            // Whoever waited for the gate may find that a fetch begun after it asked has just finished.
            if (_fetched >= asked)
            {
                return;
            }

            var listed = await grains.GetGrain<INodeDirectoryGrain>(0).GetNodes();
            lock (_gate)
            {
                // Merged, not replaced: a directory that reactivated after its silo died refills as
                // nodes register again, and a node known here stays until membership declares it dead.
                var merged = new Dictionary<string, IChatNode>(_nodes, StringComparer.Ordinal);
                foreach (var node in listed)
                {
                    merged[node.NodeId] = node.Node;
                }

                _nodes = merged;
            }

            _fetched = asked;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The nodes known here are better than failing the activation that asked.
            _fetched = asked;
            LogDirectoryUnavailable(logger, ex);
        }
        finally
        {
            _refresh.Release();
        }
    }

    private static SiloAddress? ParseSilo(string nodeId)
    {
        try
        {
            return SiloAddress.FromParsableString(nodeId);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The node directory did not answer; using the nodes known on this silo")]
    private static partial void LogDirectoryUnavailable(ILogger logger, Exception exception);
}
