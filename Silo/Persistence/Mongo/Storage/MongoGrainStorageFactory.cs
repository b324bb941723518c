using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace OrleansChat.Silo.Persistence.Mongo;

/// <summary>Builds the named provider from its named options and the services of the silo.</summary>
public static class MongoGrainStorageFactory
{
    public static IGrainStorage Create(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<MongoGrainStorageOptions>>().Get(name);

        var json = JsonOptions(services, options);
        return new MongoGrainStorage(
            name,
            options,
            services.GetRequiredService<MongoClientCache>().GetDatabase(options),
            new MongoStateDocument(json, options.StateVersion, options.UpgradeState),
            services.GetRequiredService<IActivatorProvider>(),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetRequiredService<ILogger<MongoGrainStorage>>());
    }

    /// <summary>
    /// The options' own, else Orleans' System.Text.Json options, whose converters know grain
    /// references and stream ids: the stream pub-sub state is made of them.
    /// </summary>
    public static JsonSerializerOptions JsonOptions(IServiceProvider services, MongoGrainStorageOptions options) =>
        options.JsonSerializerOptions
        ?? services.GetRequiredService<IOptions<SystemTextJsonGrainStorageSerializerOptions>>().Value.JsonSerializerOptions;
}
