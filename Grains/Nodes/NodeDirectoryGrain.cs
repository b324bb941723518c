using OrleansChat.Nodes;

namespace OrleansChat.Grains.Nodes;

/// <summary>
/// Keeps the edge nodes that renewed their registration recently. Nothing is persisted: after a
/// reactivation the list refills within one renewal period, and grains that missed a node in that
/// window are caught by the node's own periodic resubscription.
/// </summary>
public sealed class NodeDirectoryGrain(TimeProvider time) : Grain, INodeDirectoryGrain
{
    /// <summary>Nodes renew every few seconds; three missed renewals mean the node is gone.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(15);

    private readonly Dictionary<string, (IChatNode Node, DateTimeOffset Seen)> _nodes = new(StringComparer.Ordinal);

    public Task Register(string nodeId, IChatNode node)
    {
        _nodes[nodeId] = (node, time.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task Unregister(string nodeId)
    {
        _nodes.Remove(nodeId);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<NodeInfo>> GetNodes()
    {
        var cutoff = time.GetUtcNow() - Expiry;
        var expired = _nodes.Where(n => n.Value.Seen < cutoff).Select(n => n.Key).ToList();
        foreach (var nodeId in expired)
        {
            _nodes.Remove(nodeId);
        }

        IReadOnlyList<NodeInfo> result = _nodes.Select(n => new NodeInfo(n.Key, n.Value.Node)).ToList();
        return Task.FromResult(result);
    }
}
