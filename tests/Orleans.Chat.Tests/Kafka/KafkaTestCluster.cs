using Microsoft.Extensions.Configuration;
using OrleansChat.Silo.Streaming.Kafka;
using OrleansChat.Tests.Infrastructure;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace OrleansChat.Tests.Kafka;

/// <summary>Where a test cluster's streams go: a mock cluster, a fresh topic and a consumer group.</summary>
public sealed record KafkaTarget(string BootstrapServers, string Topic, string ConsumerGroup, int Partitions = 4)
{
    public static KafkaTarget Fresh(KafkaMockCluster mock, int partitions = 4)
    {
        var topic = $"t-{Guid.NewGuid():N}";
        mock.CreateTopic(topic, partitions);
        return new KafkaTarget(mock.BootstrapServers, topic, $"g-{Guid.NewGuid():N}", partitions);
    }
}

/// <summary>
/// Orleans test clusters whose <see cref="ChatNames.StreamProvider"/> is the Kafka provider, with
/// the chat grains (memory storage, memory message store) and the probe grains.
/// </summary>
public static class KafkaTestCluster
{
    public static async Task<TestCluster> StartAsync(KafkaTarget target, int silos = 2, Action<Dictionary<string, string?>>? settings = null)
    {
        var builder = new TestClusterBuilder((short)silos);
        builder.Properties["Kafka:BootstrapServers"] = target.BootstrapServers;
        builder.Properties["Kafka:Topic"] = target.Topic;
        builder.Properties["Kafka:ConsumerGroup"] = target.ConsumerGroup;
        builder.Properties["Kafka:Partitions"] = target.Partitions.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings?.Invoke(builder.Properties);
        builder.AddSiloBuilderConfigurator<KafkaSilo>();
        var cluster = builder.Build();
        await cluster.DeployAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return cluster;
    }

    public static async Task StopAsync(TestCluster cluster)
    {
        await cluster.StopAllSilosAsync().WaitAsync(TimeSpan.FromMinutes(1));
        await cluster.DisposeAsync().AsTask().WaitAsync(TestIds.Timeout);
    }

    private sealed class KafkaSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.AddChatGrainsInMemory();
            var section = silo.Configuration.GetSection("Kafka");
            silo.AddKafkaStreams(ChatNames.StreamProvider, (KafkaStreamOptions options) => section.Bind(options));
        }
    }
}
