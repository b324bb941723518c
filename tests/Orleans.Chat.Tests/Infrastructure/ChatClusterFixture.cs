using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OrleansChat.Grains.Membership;
using OrleansChat.Grains.Nodes;
using OrleansChat.Grains.Users;
using OrleansChat.Silo.Persistence.Memory;
using OrleansChat.Storage;
using OrleansChat.Tests.Grains;
using Orleans.Storage;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>An in-process Orleans test cluster with the chat grains, memory grain storage and the memory message store.</summary>
public sealed class ChatClusterFixture : IAsyncLifetime
{
    /// <summary>The test cluster's members per room and rooms per user.</summary>
    public const int Limit = 100;

    private const string InnerStorage = "memory";

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync().WaitAsync(TimeSpan.FromMinutes(2));
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync().WaitAsync(TimeSpan.FromMinutes(1));
        await Cluster.DisposeAsync().AsTask().WaitAsync(TestIds.Timeout);
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            // Limits small enough for a test to reach them with a hundred joins.
            siloBuilder.Services.Configure<MembershipLimitsOptions>(o => (o.MaxMembersPerRoom, o.MaxRoomsPerUser, o.MaxDirectRoomsPerUser) = (Limit, Limit, Limit));
            siloBuilder.AddChatGrainServices();
            siloBuilder.AddIncomingGrainCallFilter<GrainCallCounter>();

            siloBuilder.AddMemoryGrainStorage(InnerStorage);
            siloBuilder.Services.AddKeyedSingleton<IGrainStorage>(ChatNames.GrainStorage,
                (sp, _) => new FailingWritesStorage(sp.GetRequiredKeyedService<IGrainStorage>(InnerStorage)));
            siloBuilder.AddMemoryGrainStorage(ChatNames.PubSubStorage);
            siloBuilder.AddSiloLocalStreams(ChatNames.StreamProvider);
            siloBuilder.Services.AddSingleton<IMessageStore, MemoryMessageStore>();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ChatClusterCollection : ICollectionFixture<ChatClusterFixture>
{
    public const string Name = "chat cluster";
}
