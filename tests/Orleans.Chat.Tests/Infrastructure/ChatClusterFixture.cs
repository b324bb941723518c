using Microsoft.Extensions.DependencyInjection;
using Orleans.Chat.Silo.Persistence.Memory;
using Orleans.Chat.Storage;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Orleans.Chat.Tests.Infrastructure;

/// <summary>An in-process Orleans test cluster with the chat grains, memory grain storage and the memory message store.</summary>
public sealed class ChatClusterFixture : IAsyncLifetime
{
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
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddChatGrainServices();
            siloBuilder.AddMemoryGrainStorage(ChatNames.GrainStorage);
            siloBuilder.AddMemoryGrainStorage(ChatNames.PubSubStorage);
            siloBuilder.AddMemoryStreams(ChatNames.StreamProvider);
            siloBuilder.Services.AddSingleton<IMessageStore, MemoryMessageStore>();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ChatClusterCollection : ICollectionFixture<ChatClusterFixture>
{
    public const string Name = "chat cluster";
}
