using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansChat.Silo.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using StackExchange.Redis;

namespace OrleansChat.Silo.Hosting;

/// <summary>Cluster membership: localhost for the embedded node, Redis for a cluster of nodes.</summary>
internal static class ClusteringSetup
{
    public static void Configure(ISiloBuilder silo, ChatClusterOptions cluster, RedisOptions redis, FailureDetectionOptions detection)
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
            case ClusteringMode.Redis:
                silo.UseRedisClustering(o => o.ConfigurationOptions = RedisConfiguration(redis));
                silo.ConfigureEndpoints(IPAddress.Parse(cluster.AdvertisedAddress), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: cluster.ListenOnAnyAddress);
                TuneFailureDetection(silo, detection);
                break;
            default:
                throw new OptionsValidationException(ChatClusterOptions.Section, typeof(ChatClusterOptions),
                    [$"{ChatClusterOptions.Section}:Clustering '{cluster.Clustering}' is not available in this build"]);
        }
    }

    /// <summary>
    /// A killed silo refuses connections at once, so probes fail fast; what decides the detection
    /// time is the probe period times the missed-probe limit. With the defaults (1 s x 3) a dead
    /// silo is declared dead about 2-3 s after it stopped, and its grains reactivate elsewhere.
    /// </summary>
    private static void TuneFailureDetection(ISiloBuilder silo, FailureDetectionOptions detection)
    {
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = detection.ProbeTimeout;
            o.NumMissedProbesLimit = detection.MissedProbesLimit;
            o.NumVotesForDeathDeclaration = detection.VotesForDeath;
            o.DeathVoteExpirationTimeout = detection.VoteExpiration;
            o.IAmAliveTablePublishTimeout = detection.IAmAlivePeriod;

            // Silos re-read the table this often besides gossip; a short period heals missed gossip.
            o.TableRefreshTimeout = detection.IAmAlivePeriod * 2;

            // Dead entries of killed local nodes pile up otherwise; an hour of history is plenty.
            o.DefunctSiloExpiration = TimeSpan.FromHours(1);
        });
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = detection.ResponseTimeout);
    }

    private static ConfigurationOptions RedisConfiguration(RedisOptions redis)
    {
        var options = ConfigurationOptions.Parse(redis.ConnectionString);

        // Membership must survive Redis starting a moment after the nodes (compose, launcher restarts).
        options.AbortOnConnectFail = false;
        options.SocketManager = SocketManager.ThreadPool;
        return options;
    }
}
