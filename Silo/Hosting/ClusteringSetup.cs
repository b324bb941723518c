using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansChat.Silo.Options;
using OrleansChat.Silo.Persistence.Redis;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using Orleans.Hosting;
using StackExchange.Redis;

namespace OrleansChat.Silo.Hosting;

/// <summary>Cluster membership: localhost for the embedded node, Redis for a cluster of nodes.</summary>
internal static class ClusteringSetup
{
    public static void Configure(ISiloBuilder silo, ClusteringMode clustering)
    {
        var services = silo.Services;
        services.AddOptions<ClusterOptions>().Configure<IOptions<ChatClusterOptions>>((o, chat) =>
        {
            o.ClusterId = chat.Value.ClusterId;
            o.ServiceId = chat.Value.ServiceId;
        });

        switch (clustering)
        {
            case ClusteringMode.Localhost:
                // The single silo is its own primary: Orleans takes the primary's endpoint from EndpointOptions below.
                silo.UseLocalhostClustering();
                services.AddOptions<EndpointOptions>().Configure<IOptions<ChatClusterOptions>>((o, chat) =>
                {
                    o.AdvertisedIPAddress = IPAddress.Loopback;
                    o.SiloPort = chat.Value.SiloPort;
                    o.GatewayPort = chat.Value.GatewayPort;
                });
                break;
            case ClusteringMode.Redis:
                silo.UseRedisClustering(_ => { });
                services.AddOptions<RedisClusteringOptions>().Configure<IOptions<RedisOptions>>((o, redis) =>
                    o.ConfigurationOptions = RedisConfiguration(redis.Value));
                services.AddOptions<EndpointOptions>().Configure<IOptions<ChatClusterOptions>>((o, chat) => ConfigureEndpoints(o, chat.Value));
                TuneFailureDetection(services);
                break;
            default:
                throw new OptionsValidationException(ChatClusterOptions.Section, typeof(ChatClusterOptions),
                    [$"{ChatClusterOptions.Section}:Clustering '{clustering}' is not available in this build"]);
        }
    }

    private static void ConfigureEndpoints(EndpointOptions endpoints, ChatClusterOptions cluster)
    {
        endpoints.AdvertisedIPAddress = IPAddress.Parse(cluster.AdvertisedAddress);
        endpoints.SiloPort = cluster.SiloPort;
        endpoints.GatewayPort = cluster.GatewayPort;
        if (cluster.ListenOnAnyAddress)
        {
            // Behind container NAT the advertised address is not an interface of this host.
            endpoints.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, cluster.SiloPort);
            endpoints.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, cluster.GatewayPort);
        }
    }

    /// <summary>
    /// A killed silo refuses connections at once, so probes fail fast; what decides the detection
    /// time is the probe period times the missed-probe limit. With the defaults (1 s x 3) a dead
    /// silo is declared dead about 2-3 s after it stopped, and its grains reactivate elsewhere.
    /// </summary>
    private static void TuneFailureDetection(IServiceCollection services)
    {
        services.AddOptions<ClusterMembershipOptions>().Configure<IOptions<FailureDetectionOptions>>((o, options) =>
        {
            var detection = options.Value;
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
        services.AddOptions<SiloMessagingOptions>().Configure<IOptions<FailureDetectionOptions>>((o, detection) =>
            o.ResponseTimeout = detection.Value.ResponseTimeout);
    }

    private static ConfigurationOptions RedisConfiguration(RedisOptions redis)
    {
        var options = ConfigurationOptions.Parse(redis.ConnectionString);

        // Membership must survive Redis starting a moment after the nodes (compose, launcher
        // restarts) and a Redis restart: the silos keep the view they have meanwhile.
        RedisConnection.ApplyReconnectPolicy(options);
        options.SocketManager = SocketManager.ThreadPool;
        return options;
    }
}
