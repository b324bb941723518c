using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansChat.Tests.Infrastructure;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using StackExchange.Redis;

namespace OrleansChat.Tests.Cluster.Infrastructure;

/// <summary>
/// An Orleans client on a <see cref="ChatCluster"/>'s Redis membership, for what only the cluster
/// knows and decides: which silo holds a grain. A failover test uses it to put rooms on the node it
/// kills and to prove they are there, instead of hoping so.
/// </summary>
public sealed class GrainLocator : IAsyncDisposable
{
    private readonly IHost _host;

    private GrainLocator(IHost host) => _host = host;

    public static async Task<GrainLocator> ConnectAsync(ChatCluster cluster)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ClusterId;
            });
            client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(cluster.RedisConnectionString));
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync().WaitAsync(TestIds.Timeout);
        }
        catch (TimeoutException)
        {
            host.Dispose();
            throw;
        }

        return new GrainLocator(host);
    }

    private IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>
    /// Activates a grain that has no activation yet with <paramref name="firstCall"/>, asking Orleans
    /// (its placement hint) to place it on the silo listening on <paramref name="siloPort"/>.
    /// A request only: <see cref="SiloPortOfAsync{TGrain}"/> tells where it went.
    /// </summary>
    public async Task ActivateOnAsync<TGrain>(string key, int siloPort, Func<TGrain, Task> firstCall)
        where TGrain : IGrainWithStringKey
    {
        var hosts = await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TestIds.Timeout);
        var silo = hosts.Keys.FirstOrDefault(s => s.Endpoint.Port == siloPort)
            ?? throw new InvalidOperationException($"no active silo on port {siloPort}: {string.Join(", ", hosts.Keys)}");
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        try
        {
            await firstCall(Client.GetGrain<TGrain>(key)).WaitAsync(TestIds.Timeout);
        }
        finally
        {
            // The request context flows with this async context; later calls must be placed freely.
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    /// <summary>The port of the silo that holds the grain's activation, or null when none does.</summary>
    public async Task<int?> SiloPortOfAsync<TGrain>(string key)
        where TGrain : IGrainWithStringKey
    {
        var silo = await Client.GetGrain<IManagementGrain>(0).GetActivationAddress(Client.GetGrain<TGrain>(key)).AsTask().WaitAsync(TestIds.Timeout);
        return silo?.Endpoint.Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().WaitAsync(TestIds.Timeout);
        _host.Dispose();
    }
}
