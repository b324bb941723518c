using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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

    public static void Configure(ISiloBuilder silo, IConfiguration configuration, StoreProvider provider)
    {
        switch (provider)
        {
            case StoreProvider.Memory:
                foreach (var name in GrainStorages)
                {
                    silo.AddMemoryGrainStorage(name);
                }

                silo.Services.AddSingleton<IMessageStore, MemoryMessageStore>();
                break;
            case StoreProvider.Redis:
                ConfigureRedis(silo);
                break;
            case StoreProvider.Mongo:
                silo.Services.AddValidatedOptions<ChatMongoOptions, ChatMongoOptionsValidator>(configuration, ChatMongoOptions.Section);
                ConfigureMongo(silo);
                break;
            default:
                throw new OptionsValidationException(StoreOptions.Section, typeof(StoreOptions),
                    [$"{StoreOptions.Section}:Provider '{provider}' is not one of Memory, Redis, Mongo"]);
        }
    }

    private static void ConfigureRedis(ISiloBuilder silo)
    {
        silo.AddRedisMessageStore(ob => ob.Configure<IOptions<RedisOptions>, IOptions<ClusterOptions>>((options, redis, cluster) =>
        {
            options.ConnectionString = redis.Value.ConnectionString;
            options.KeyPrefix = cluster.Value.ServiceId;
        }));

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
    }

    private static void ConfigureMongo(ISiloBuilder silo)
    {
        foreach (var name in GrainStorages)
        {
            silo.AddMongoGrainStorage(name, ob => ob.Configure<IOptions<ChatMongoOptions>>((options, mongo) =>
            {
                options.CopyConnectionFrom(mongo.Value);

                // Pub-sub state gets collections of its own, apart from the chat's room and user state.
                options.CollectionPrefix = name == ChatNames.GrainStorage ? "grains." : "pubsub.";
            }));
        }

        silo.AddMongoMessageStore(ob => ob.Configure<IOptions<ChatMongoOptions>>((options, mongo) =>
        {
            options.CopyConnectionFrom(mongo.Value);
            options.MessagesCollection = mongo.Value.MessagesCollection;
        }));
    }
}
