using Orleans.Chat.Tests.Infrastructure;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace Orleans.Chat.Tests.Kafka;

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
        var cluster = await KafkaTestCluster.StartAsync(KafkaTarget.Fresh(kafka.Mock));
        try
        {
            var before = await RunningAgentsAsync(cluster);
            Assert.Equal(2, before.Length);
            Assert.Equal(4, before.Sum());
            Assert.All(before, agents => Assert.InRange(agents, 1, 3));

            var keys = Enumerable.Range(0, 12).Select(_ => TestIds.Room("move")).ToList();
            await PublishAsync(cluster, keys, 1, 10);
            await ProbeLog.WaitForAsync(keys, 1, 10, Delivery);

            await cluster.StopSiloAsync(cluster.SecondarySilos[0]).WaitAsync(TimeSpan.FromMinutes(1));

            await ProbeLog.WaitUntilAsync(async () => await RunningAgentsAsync(cluster) is [4], Delivery, () => "the remaining silo never ran all four partitions");
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
        var keys = Enumerable.Range(0, 6).Select(_ => TestIds.Room("restart")).ToList();

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
        var second = await KafkaTestCluster.StartAsync(target, settings: SmallCache);
        try
        {
            await PublishAsync(second, keys, 41, 20);
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
