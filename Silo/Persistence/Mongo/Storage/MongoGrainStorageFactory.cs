using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Orleans.Chat.Silo.Persistence.Mongo;

/// <summary>Builds the named provider from its named options and the services of the silo.</summary>
public static class MongoGrainStorageFactory
{
    public static IGrainStorage Create(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<MongoGrainStorageOptions>>().Get(name);

        // Orleans' System.Text.Json options carry converters for grain references and stream ids,
        // which the stream pub-sub state contains.
        var json = options.JsonSerializerOptions
            ?? services.GetRequiredService<IOptions<SystemTextJsonGrainStorageSerializerOptions>>().Value.JsonSerializerOptions;

        return new MongoGrainStorage(
            name,
            options,
            services.GetRequiredService<MongoClientCache>().GetDatabase(options),
            new MongoStateDocument(json, options.StateVersion, options.UpgradeState),
            services.GetRequiredService<IActivatorProvider>(),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetRequiredService<ILogger<MongoGrainStorage>>());
    }
}
