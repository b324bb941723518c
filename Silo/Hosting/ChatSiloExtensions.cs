using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansChat;
using OrleansChat.Grains.Membership;
using OrleansChat.Grains.Nodes;
using OrleansChat.Grains.Users;
using OrleansChat.Silo.Hosting;
using OrleansChat.Silo.Options;

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
        var cluster = Bind(configuration, ChatClusterOptions.Section, new ChatClusterOptionsValidator());
        var redis = Bind(configuration, RedisOptions.Section, new RedisOptionsValidator());
        var store = Bind<StoreOptions>(configuration, StoreOptions.Section, null);
        var detection = Bind(configuration, FailureDetectionOptions.Section, new FailureDetectionOptionsValidator());
        var limits = Bind(configuration, MembershipLimitsOptions.Section, new MembershipLimitsOptionsValidator());

        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(cluster));
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(redis));
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(store));
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(limits));

        builder.UseOrleans(silo =>
        {
            silo.AddChatGrainServices();
            ClusteringSetup.Configure(silo, cluster, redis, detection);
            StoreSetup.Configure(silo, configuration, store, redis);
            StreamsSetup.Configure(silo, configuration);
        });

        return builder;
    }

    /// <summary>Services the chat grains depend on, whatever the providers.</summary>
    public static ISiloBuilder AddChatGrainServices(this ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton(Microsoft.Extensions.Options.Options.Create(new MembershipLimitsOptions()));
        silo.Services.AddSingleton<NodeList>();
        silo.Services.AddSingleton<NodeOutbox>();
        silo.Services.AddSingleton<OnlineUsers>();
        silo.Services.AddHostedService(sp => sp.GetRequiredService<OnlineUsers>());
        return silo;
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
