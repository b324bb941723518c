namespace OrleansChat.Edge.Cluster;

/// <summary>Whether this node is draining: once set, it takes no new connections and reports itself unhealthy.</summary>
public sealed class DrainState
{
    private volatile bool _draining;

    public bool IsDraining => _draining;

    public void Begin() => _draining = true;
}
