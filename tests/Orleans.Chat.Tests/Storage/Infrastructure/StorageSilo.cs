using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansChat.Tests.Infrastructure;
using Orleans.Hosting;

namespace OrleansChat.Tests.Storage.Infrastructure;

/// <summary>
/// A real silo host configured exactly as the product configures it (<c>AddChatSilo</c>), with a
/// chosen store and free ports: the grain storages and message store are the ones a node runs.
/// </summary>
public sealed class StorageSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private StorageSilo(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    /// <summary>Starts a silo; hosts with the same <paramref name="serviceId"/> see the same stored data.</summary>
    public static async Task<StorageSilo> StartAsync(string serviceId, IDictionary<string, string?> storeSettings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chat:Cluster:ClusterId"] = $"storage-tests-{Guid.NewGuid():N}",
            ["Chat:Cluster:ServiceId"] = serviceId,
            ["Chat:Cluster:SiloPort"] = Ports.Free().ToString(),
            ["Chat:Cluster:GatewayPort"] = Ports.Free().ToString(),
        });
        builder.Configuration.AddInMemoryCollection(storeSettings);
        builder.AddChatSilo();
        var host = builder.Build();
        await host.StartAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return new StorageSilo(host);
    }

    /// <summary>Stops the host; a silo whose dependencies are down (Kafka) needs longer than the usual timeout.</summary>
    public Task StopAsync(TimeSpan timeout) => _host.StopAsync().WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TestIds.Timeout);
        if (_host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync().AsTask().WaitAsync(TestIds.Timeout);
        }
        else
        {
            _host.Dispose();
        }
    }
}
