using System.Globalization;
using OrleansChat.Rooms;
using OrleansChat.Tests.Infrastructure;
using OrleansChat.Tests.Storage.Infrastructure;

namespace OrleansChat.Tests.Kafka;

/// <summary>
/// A node goes away while Kafka is down, holding acknowledged messages its relay never published.
/// The room's next activation, on another node, republishes them from the store.
/// </summary>
public sealed class KafkaRelayResumeTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Messages_stored_while_the_stream_was_down_reach_it_from_the_next_activation_of_the_room()
    {
        // Its own mock: taking brokers down must not disturb other tests.
        using var mock = new KafkaMockCluster();
        var target = KafkaTarget.Fresh(mock);
        var settings = StoreSettings.Redis(redis);
        settings["Chat:Streams:Provider"] = "Kafka";
        settings["Chat:Kafka:BootstrapServers"] = target.BootstrapServers;
        settings["Chat:Kafka:Topic"] = target.Topic;
        settings["Chat:Kafka:ConsumerGroup"] = target.ConsumerGroup;
        settings["Chat:Kafka:Partitions"] = target.Partitions.ToString(CultureInfo.InvariantCulture);
        settings["Chat:Kafka:DeliveryTimeout"] = "00:00:01";
        var serviceId = $"relay-resume-{Guid.NewGuid():N}";
        var roomId = TestIds.Room("resume");
        var alice = TestIds.User("alice");

        await using (var first = await StorageSilo.StartAsync(serviceId, settings))
        {
            var room = first.Grains.GetGrain<IRoomGrain>(roomId);
            await room.Join(alice).WaitAsync(TestIds.Timeout);
            var activity = first.Grains.GetGrain<IRoomActivityGrain>(roomId);
            await ProbeLog.WaitUntilAsync(async () => await activity.GetActivity().WaitAsync(TestIds.Timeout) is { Members: 1 },
                TestIds.Timeout, () => "the activity consumer did not see the join");

            mock.StopBrokers();
            for (var i = 1; i <= 3; i++)
            {
                Assert.Equal(i, (await room.Send(alice, $"m{i}", $"stored while down {i}").WaitAsync(TestIds.Timeout)).Seq);
            }

            // The node leaves with the three messages still waiting in its relay. With Kafka down its
            // stop waits out the producer's flush and the consumers' close, so it gets longer.
            await first.StopAsync(TimeSpan.FromMinutes(2));
        }

        mock.StartBrokers();
        await using var second = await StorageSilo.StartAsync(serviceId, settings);
        Assert.Equal(3, await second.Grains.GetGrain<IRoomGrain>(roomId).GetLastSeq().WaitAsync(TestIds.Timeout));

        var resumed = second.Grains.GetGrain<IRoomActivityGrain>(roomId);
        await ProbeLog.WaitUntilAsync(async () => await resumed.GetActivity().WaitAsync(TestIds.Timeout) is { Messages: 3, LastSeq: 3, Members: 1 },
            TimeSpan.FromSeconds(60), () => "the messages stored while the stream was down never reached it");
    }
}
