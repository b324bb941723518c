namespace OrleansChat.Tests.Cluster.Infrastructure;

/// <summary>
/// The cluster tests run one after another and apart from the other collections: each runs several
/// node processes, and on a small CI machine parallel clusters would starve the silos' liveness
/// probes and turn a test of failover into a test of CPU contention.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "real cluster";
}

/// <summary>One three-node cluster shared by the tests that only read and chat (nobody is killed).</summary>
public sealed class SharedClusterFixture : IAsyncLifetime
{
    public ChatCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await ChatCluster.StartAsync(3);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
