namespace OrleansChat.Silo.Options;

public enum ClusteringMode
{
    /// <summary>A single silo on this machine; no outside service.</summary>
    Localhost,

    /// <summary>Cluster membership in Redis (<see cref="RedisOptions.ConnectionString"/>).</summary>
    Redis,
}
