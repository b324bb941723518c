using Microsoft.Extensions.Options;
using Orleans.Chat.Silo.Options;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Orleans.Chat.Silo.Hosting;

/// <summary>Cluster membership: localhost for the embedded node.</summary>
internal static class ClusteringSetup
{
    public static void Configure(ISiloBuilder silo, ChatClusterOptions cluster, RedisOptions redis)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });

        switch (cluster.Clustering)
        {
            case ClusteringMode.Localhost:
                // Localhost clustering binds loopback itself; no endpoint configuration to add.
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, null, cluster.ServiceId, cluster.ClusterId);
                break;
            default:
                throw new OptionsValidationException(ChatClusterOptions.Section, typeof(ChatClusterOptions),
                    [$"{ChatClusterOptions.Section}:Clustering '{cluster.Clustering}' is not available in this build (Redis at '{redis.ConnectionString}')"]);
        }
    }
}
