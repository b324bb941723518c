using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansChat.Silo.Streaming.Local;

namespace Orleans.Hosting;

public static class LocalStreamsExtensions
{
    /// <summary>
    /// Adds a persistent stream provider named <paramref name="name"/> whose queues live in the
    /// memory of the silo that publishes: no grain call to publish, no silo message while idle.
    /// Events are lost with the silo; the room event relay republishes stored messages from the store.
    /// </summary>
    public static ISiloBuilder AddSiloLocalStreams(this ISiloBuilder silo, string name) =>
        silo.AddPersistentStreams(name, (services, providerName) => new LocalQueueAdapterFactory(providerName, services.GetRequiredService<ILoggerFactory>()), stream =>
        {
            stream.ConfigurePartitionBalancing((_, _) => new AllQueuesBalancer());
        });
}
