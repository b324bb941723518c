using OrleansChat.Nodes;
using Orleans.Concurrency;

namespace OrleansChat.Grains.Nodes;

/// <summary>
/// Maps each edge node (id = its silo's address) to its observer reference. It decides nothing about
/// liveness: what membership declared dead is left out of its answers and forgotten. Kept active for
/// good, so it loses its list only when its silo dies; every node registers again when membership
/// declares a silo dead, which refills a directory that came back empty elsewhere.
/// </summary>
[KeepAlive]
public sealed class NodeDirectoryGrain(ClusterNodes nodes) : Grain, INodeDirectoryGrain
{
    private readonly Dictionary<string, IChatNode> _nodes = new(StringComparer.Ordinal);

    public Task Register(string nodeId, IChatNode node)
    {
        _nodes[nodeId] = node;
        return Task.CompletedTask;
    }

    public Task Unregister(string nodeId)
    {
        _nodes.Remove(nodeId);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<NodeInfo>> GetNodes()
    {
        foreach (var nodeId in _nodes.Keys.Where(nodes.IsDead).ToList())
        {
            _nodes.Remove(nodeId);
        }

        IReadOnlyList<NodeInfo> result = _nodes.Select(n => new NodeInfo(n.Key, n.Value)).ToList();
        return Task.FromResult(result);
    }
}
