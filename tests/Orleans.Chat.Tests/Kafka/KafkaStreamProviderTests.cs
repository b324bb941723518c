using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Silo.Streaming.Kafka;
using OrleansChat.Tests.Infrastructure;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace OrleansChat.Tests.Kafka;

/// <summary>The Kafka stream provider on a two-silo test cluster against librdkafka's mock cluster.</summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaStreamProviderTests(KafkaMockFixture kafka)
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Events_of_each_stream_arrive_complete_and_in_publish_order()
    {
        var cluster = await KafkaTestCluster.StartAsync(KafkaTarget.Fresh(kafka.Mock));
        try
        {
            // Eight streams over four partitions: streams share partitions, and each keeps its own order.
            var keys = Enumerable.Range(0, 8).Select(_ => TestIds.Room("order")).ToList();
            await Task.WhenAll(keys.Select(k => cluster.GrainFactory.GetGrain<IProbePublisherGrain>(k).Publish(k, 1, 50).WaitAsync(TestIds.Timeout)));

            await ProbeLog.WaitForAsync(keys, 1, 50, Delivery);
            foreach (var key in keys)
            {
                Assert.Equal(ProbeLog.LongRange(1, 50), ProbeLog.FirstArrivals(key));
            }
        }
        finally
        {
            await KafkaTestCluster.StopAsync(cluster);
        }
    }

    [Fact]
    public async Task Partitions_move_to_the_remaining_silo_when_one_leaves()
    {
        // Sixteen partitions: the ring gives each of two silos a share (all on one silo is 2 in 65536).
        var cluster = await KafkaTestCluster.StartAsync(KafkaTarget.Fresh(kafka.Mock, partitions: 16));
        try
        {
            var before = await RunningAgentsAsync(cluster);
            Assert.Equal(2, before.Length);
            Assert.Equal(16, before.Sum());
            Assert.All(before, agents => Assert.InRange(agents, 1, 15));

            var keys = Enumerable.Range(0, 40).Select(_ => TestIds.Room("move")).ToList();
            await PublishAsync(cluster, keys, 1, 10);
            await ProbeLog.WaitForAsync(keys, 1, 10, Delivery);

            await cluster.StopSiloAsync(cluster.SecondarySilos[0]).WaitAsync(TimeSpan.FromMinutes(1));

            await ProbeLog.WaitUntilAsync(async () => await RunningAgentsAsync(cluster) is [16], Delivery, () => "the remaining silo never ran all sixteen partitions");
            await PublishAsync(cluster, keys, 11, 10);
            await ProbeLog.WaitForAsync(keys, 1, 20, Delivery);
            foreach (var key in keys)
            {
                Assert.Equal(ProbeLog.LongRange(1, 20), ProbeLog.FirstArrivals(key));
            }
        }
        finally
        {
            await KafkaTestCluster.StopAsync(cluster);
        }
    }

    [Fact]
    public async Task After_a_restart_receivers_resume_at_the_committed_offset_and_skip_nothing()
    {
        var target = KafkaTarget.Fresh(kafka.Mock);
        // A cache of ten keeps commits one event behind delivery, so the restart shows where they stood.
        void SmallCache(Dictionary<string, string?> settings) => settings["Kafka:CacheSize"] = "10";
        var keys = OneStreamPerPartition(target);

        var first = await KafkaTestCluster.StartAsync(target, settings: SmallCache);
        try
        {
            await PublishAsync(first, keys, 1, 40);
            await ProbeLog.WaitForAsync(keys, 1, 40, Delivery);
        }
        finally
        {
            await KafkaTestCluster.StopAsync(first);
        }

        var deliveredBefore = keys.ToDictionary(k => k, k => ProbeLog.Values(k).Count);
        // Written while no silo reads: the restarted receivers must pick these up from Kafka.
        await ProduceWhileDownAsync(target, keys, 41, 10);
        var second = await KafkaTestCluster.StartAsync(target, settings: SmallCache);
        try
        {
            await PublishAsync(second, keys, 51, 10);
            await ProbeLog.WaitForAsync(keys, 1, 60, Delivery);
            foreach (var key in keys)
            {
                var afterRestart = ProbeLog.Values(key).Skip(deliveredBefore[key]).ToList();
                // Nothing skipped: from wherever the new receiver resumed, every value follows in order...
                Assert.Equal(ProbeLog.LongRange(afterRestart[0], 60), afterRestart.Distinct());
                // ...and it resumed at the committed offset, not at the partition's beginning.
                Assert.True(afterRestart[0] > 30, $"{key} was read again from {afterRestart[0]}");
            }
        }
        finally
        {
            await KafkaTestCluster.StopAsync(second);
        }
    }

    /// <summary>Stream keys, one on each partition, so each partition's committed offset belongs to one stream.</summary>
    private static List<string> OneStreamPerPartition(KafkaTarget target)
    {
        var mapper = new KafkaQueueMapper(target.Topic, target.Partitions);
        var byPartition = new Dictionary<int, string>();
        while (byPartition.Count < target.Partitions)
        {
            var key = TestIds.Room("restart");
            byPartition.TryAdd(mapper.PartitionOf(StreamId.Create(ProbeLog.Namespace, key)), key);
        }

        return byPartition.Values.ToList();
    }

    /// <summary>Records exactly as the provider writes them, produced with a plain Kafka producer.</summary>
    private static async Task ProduceWhileDownAsync(KafkaTarget target, IEnumerable<string> keys, long first, int count)
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        var mapper = new KafkaQueueMapper(target.Topic, target.Partitions);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = target.BootstrapServers, Acks = Acks.All }).Build();
        foreach (var key in keys)
        {
            var streamId = StreamId.Create(ProbeLog.Namespace, key);
            for (var value = first; value < first + count; value++)
            {
                var batch = new KafkaBatchContainer(streamId, [new ProbeEvent(value, Stopwatch.GetTimestamp())], null);
                var partition = new TopicPartition(target.Topic, new Partition(mapper.PartitionOf(streamId)));
                await producer.ProduceAsync(partition, new Message<byte[], byte[]> { Key = streamId.Key.ToArray(), Value = serializer.SerializeToArray(batch) })
                    .WaitAsync(TestIds.Timeout);
            }
        }
    }

    private static Task PublishAsync(TestCluster cluster, IEnumerable<string> keys, long first, int count) =>
        Task.WhenAll(keys.Select(k => cluster.GrainFactory.GetGrain<IProbePublisherGrain>(k).Publish(k, first, count).WaitAsync(TestIds.Timeout)));

    private static async Task<int[]> RunningAgentsAsync(TestCluster cluster)
    {
        var results = await cluster.GrainFactory.GetGrain<IManagementGrain>(0)
            .SendControlCommandToProvider<PersistentStreamProvider>(ChatNames.StreamProvider, (int)PersistentStreamProviderCommand.GetNumberRunningAgents)
            .WaitAsync(TestIds.Timeout);
        return results.Select(r => r is int n ? n : -1).ToArray();
    }
}
