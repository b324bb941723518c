using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Silo.Options;
using OrleansChat.Silo.Persistence.Memory;
using OrleansChat.Silo.Persistence.Redis;
using OrleansChat.Storage;
using Orleans.Configuration;
using Orleans.Hosting;

namespace OrleansChat.Silo.Hosting;

/// <summary>Grain state and message history: one setting (<c>Chat:Store:Provider</c>) picks both.</summary>
internal static class StoreSetup
{
    /// <summary>Grain storages the silo needs: room and user state, and the stream pub-sub's subscriptions.</summary>
    private static readonly string[] GrainStorages = [ChatNames.GrainStorage, ChatNames.PubSubStorage];

    public static void Configure(ISiloBuilder silo, IConfiguration configuration, StoreOptions store, RedisOptions redis)
    {
        switch (store.Provider)
        {
            case StoreProvider.Memory:
                foreach (var name in GrainStorages)
                {
                    silo.AddMemoryGrainStorage(name);
                }

                silo.Services.AddSingleton<IMessageStore, MemoryMessageStore>();
                break;
            case StoreProvider.Redis:
                ConfigureRedis(silo, redis);
                break;
            case StoreProvider.Mongo:
                var mongo = ChatSiloExtensions.Bind(configuration, ChatMongoOptions.Section, new ChatMongoOptionsValidator());
                ConfigureMongo(silo, mongo);
                break;
            default:
                throw new OptionsValidationException(StoreOptions.Section, typeof(StoreOptions),
                    [$"{StoreOptions.Section}:Provider '{store.Provider}' is not one of Memory, Redis, Mongo"]);
        }
    }

    private static void ConfigureRedis(ISiloBuilder silo, RedisOptions redis)
    {
        silo.Services.TryAddSingleton(_ => new RedisConnection(redis.ConnectionString));
        foreach (var name in GrainStorages)
        {
            silo.AddRedisGrainStorage(name, ob => ob.Configure<RedisConnection>((options, connection) =>
            {
                options.ConfigurationOptions = connection.Configuration;
                options.DeleteStateOnClear = true;

                // Shared: the provider must not close the connection the message store still uses.
                options.CreateMultiplexer = async _ => (await connection.GetAsync(), true);
            }));
        }

        silo.Services.AddSingleton<IMessageStore>(sp => new RedisMessageStore(
            sp.GetRequiredService<RedisConnection>(),
            new RedisMessageKeys(sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId),
            sp.GetRequiredService<ILogger<RedisMessageStore>>()));
    }

    private static void ConfigureMongo(ISiloBuilder silo, ChatMongoOptions mongo)
    {
        foreach (var name in GrainStorages)
        {
            silo.AddMongoGrainStorage(name, options =>
            {
                options.CopyConnectionFrom(mongo);

                // Pub-sub state gets collections of its own, apart from the chat's room and user state.
                options.CollectionPrefix = name == ChatNames.GrainStorage ? "grains." : "pubsub.";
            });
        }

        silo.AddMongoMessageStore(options =>
        {
            options.CopyConnectionFrom(mongo);
            options.MessagesCollection = mongo.MessagesCollection;
        });
    }
}
