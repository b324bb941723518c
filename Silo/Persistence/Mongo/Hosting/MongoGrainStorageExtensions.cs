using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansChat.Silo.Persistence.Mongo;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;

namespace Orleans.Hosting;

/// <summary>Registers named MongoDB grain storage providers.</summary>
public static class MongoGrainStorageExtensions
{
    public static ISiloBuilder AddMongoGrainStorage(this ISiloBuilder builder, string name, Action<MongoGrainStorageOptions> configure) =>
        builder.AddMongoGrainStorage(name, ob => ob.Configure(configure));

    public static ISiloBuilder AddMongoGrainStorage(this ISiloBuilder builder, string name, Action<OptionsBuilder<MongoGrainStorageOptions>>? configure = null)
    {
        builder.Services.AddMongoGrainStorage(name, configure);
        return builder;
    }

    public static IServiceCollection AddMongoGrainStorage(this IServiceCollection services, string name, Action<MongoGrainStorageOptions> configure) =>
        services.AddMongoGrainStorage(name, ob => ob.Configure(configure));

    /// <summary>The one registration every overload ends in.</summary>
    public static IServiceCollection AddMongoGrainStorage(this IServiceCollection services, string name, Action<OptionsBuilder<MongoGrainStorageOptions>>? configure = null)
    {
        configure?.Invoke(services.AddOptions<MongoGrainStorageOptions>(name));
        services.TryAddSingleton<MongoClientCache>();
        services.AddTransient<IConfigurationValidator>(sp =>
            new MongoGrainStorageOptionsValidator(sp.GetRequiredService<IOptionsMonitor<MongoGrainStorageOptions>>().Get(name), name));
        services.ConfigureNamedOptionForLogging<MongoGrainStorageOptions>(name);
        return services.AddGrainStorage(name, MongoGrainStorageFactory.Create);
    }
}
