using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Chat;
using Orleans.Chat.Grains.Nodes;
using Orleans.Chat.Silo.Options;
using Orleans.Chat.Silo.Persistence.Memory;
using Orleans.Chat.Storage;
using Orleans.Configuration;

namespace Orleans.Hosting;

public static class ChatSiloExtensions
{
    /// <summary>
    /// Co-hosts the chat silo in this host: clustering, grain storage, message store and streams,
    /// all chosen by configuration (sections <c>Chat:*</c>) and validated before the host starts.
    /// </summary>
    public static IHostApplicationBuilder AddChatSilo(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var cluster = Bind<ChatClusterOptions>(configuration, ChatClusterOptions.Section, new ChatClusterOptionsValidator());
        var redis = Bind<RedisOptions>(configuration, RedisOptions.Section, new RedisOptionsValidator());
        var store = Bind<StoreOptions>(configuration, StoreOptions.Section, null);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<NodeList>();
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(cluster));
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(redis));
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(store));

        builder.UseOrleans(silo =>
        {
            ConfigureClustering(silo, cluster, redis);
            ConfigureStore(silo, store);
            silo.AddMemoryStreams(ChatNames.StreamProvider);
            silo.AddMemoryGrainStorage(ChatNames.PubSubStorage);
        });

        return builder;
    }

    private static void ConfigureClustering(ISiloBuilder silo, ChatClusterOptions cluster, RedisOptions redis)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });

        switch (cluster.Clustering)
        {
            case ClusteringMode.Localhost:
                // Localhost clustering binds loopback itself; no endpoint configuration to add.
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, null, cluster.ServiceId, cluster.ClusterId);
                break;
            default:
                throw new OptionsValidationException(ChatClusterOptions.Section, typeof(ChatClusterOptions),
                    [$"{ChatClusterOptions.Section}:Clustering '{cluster.Clustering}' is not available in this build (redis: {redis.ConnectionString.Length > 0})"]);
        }
    }

    private static void ConfigureStore(ISiloBuilder silo, StoreOptions store)
    {
        switch (store.Provider)
        {
            case StoreProvider.Memory:
                silo.AddMemoryGrainStorage(ChatNames.GrainStorage);
                silo.Services.AddSingleton<IMessageStore, MemoryMessageStore>();
                break;
            default:
                throw new OptionsValidationException(StoreOptions.Section, typeof(StoreOptions),
                    [$"{StoreOptions.Section}:Provider '{store.Provider}' is not available in this build"]);
        }
    }

    /// <summary>Binds a section now (the silo's shape depends on it) and fails with the config keys at fault.</summary>
    internal static T Bind<T>(IConfiguration configuration, string section, IValidateOptions<T>? validator)
        where T : class, new()
    {
        var options = new T();
        configuration.GetSection(section).Bind(options);
        var result = validator?.Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
        if (result is { Failed: true })
        {
            throw new OptionsValidationException(section, typeof(T), result.Failures ?? []);
        }

        return options;
    }
}
