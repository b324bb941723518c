using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Silo.Persistence.Mongo;
using OrleansChat.Storage;

namespace Orleans.Hosting;

/// <summary>Registers the MongoDB message store as this silo's <see cref="IMessageStore"/>.</summary>
public static class MongoMessageStoreExtensions
{
    public static ISiloBuilder AddMongoMessageStore(this ISiloBuilder builder, Action<MongoMessageStoreOptions> configure) =>
        builder.AddMongoMessageStore(ob => ob.Configure(configure));

    /// <summary>The one registration every overload ends in.</summary>
    public static ISiloBuilder AddMongoMessageStore(this ISiloBuilder builder, Action<OptionsBuilder<MongoMessageStoreOptions>> configure)
    {
        var services = builder.Services;
        configure(services.AddOptions<MongoMessageStoreOptions>().ValidateOnStart());
        services.AddSingleton<IValidateOptions<MongoMessageStoreOptions>, MongoMessageStoreOptionsValidator>();
        services.TryAddSingleton<MongoClientCache>();
        services.AddSingleton(sp => new MongoMessageStore(
            sp.GetRequiredService<IOptions<MongoMessageStoreOptions>>().Value,
            sp.GetRequiredService<MongoClientCache>(),
            sp.GetRequiredService<ILogger<MongoMessageStore>>()));
        services.AddSingleton<IMessageStore>(sp => sp.GetRequiredService<MongoMessageStore>());

        // Index creation runs in the silo's start-up, before any room grain can append.
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<MongoMessageStore>());
        return builder;
    }
}
