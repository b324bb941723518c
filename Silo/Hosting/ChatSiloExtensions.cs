using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OrleansChat.Grains.Membership;
using OrleansChat.Grains.Nodes;
using OrleansChat.Grains.Sending;
using OrleansChat.Grains.Streaming;
using OrleansChat.Grains.Users;
using OrleansChat.Silo.Hosting;
using OrleansChat.Silo.Persistence;
using OrleansChat.Silo.Options;
using OrleansChat.Telemetry;

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
        var services = builder.Services;
        services.AddValidatedOptions<ChatClusterOptions, ChatClusterOptionsValidator>(configuration, ChatClusterOptions.Section);
        services.AddValidatedOptions<RedisOptions, RedisOptionsValidator>(configuration, RedisOptions.Section);
        services.AddValidatedOptions<StoreOptions, StoreOptionsValidator>(configuration, StoreOptions.Section);
        services.AddValidatedOptions<StreamsOptions, StreamsOptionsValidator>(configuration, StreamsOptions.Section);
        services.AddValidatedOptions<FailureDetectionOptions, FailureDetectionOptionsValidator>(configuration, FailureDetectionOptions.Section);
        services.AddValidatedOptions<MembershipLimitsOptions, MembershipLimitsOptionsValidator>(configuration, MembershipLimitsOptions.Section);

        var shape = SiloShape.Read(configuration);
        builder.UseOrleans(silo =>
        {
            silo.AddChatGrainServices();
            ClusteringSetup.Configure(silo, shape.Clustering);
            StoreSetup.Configure(silo, configuration, shape.Store);
            InstrumentedMessageStore.Decorate(silo.Services);
            StreamsSetup.Configure(silo, configuration, shape.Streams);
        });

        return builder;
    }

    /// <summary>Services the chat grains depend on, whatever the providers.</summary>
    public static ISiloBuilder AddChatGrainServices(this ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton(TimeProvider.System);

        // Defaults where the host binds no Chat:Limits section (grain tests on the test cluster).
        silo.Services.AddOptions<MembershipLimitsOptions>();
        silo.Services.AddSingleton<ClusterNodes>();
        silo.Services.AddSingleton<NodeOutbox>();
        silo.Services.AddSingleton<NodeNotices>();
        silo.Services.AddSingleton<RoomStreams>();
        // No byte limit unless the stream provider sets one (Kafka does, from Chat:Kafka:MaxRecordBytes).
        silo.Services.AddOptions<RoomEventRelayOptions>();
        silo.Services.AddSingleton<RoomEventRelay>();
        silo.Services.AddSingleton<OnlineUsers>();
        silo.Services.AddHostedService<DeadSiloCleanup>();
        silo.AddGrainService<SendGateway>();
        silo.Services.AddSingleton<SendGateways>();
        silo.AddOutgoingGrainCallFilter<GrainCallMetrics>();
        return silo;
    }
}
