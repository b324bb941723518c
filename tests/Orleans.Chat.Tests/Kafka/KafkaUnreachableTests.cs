using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Grains.Streaming;
using OrleansChat.Nodes;
using OrleansChat.Rooms;
using OrleansChat.Tests.Grains;
using OrleansChat.Tests.Infrastructure;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace OrleansChat.Tests.Kafka;

/// <summary>Kafka goes away under a running two-silo chat cluster and comes back.</summary>
public sealed class KafkaUnreachableTests
{
    [Fact]
    public async Task Sends_are_acknowledged_and_delivered_while_Kafka_is_down_and_the_stream_catches_up_once_it_is_back()
    {
        // Its own mock: taking brokers down must not disturb other tests.
        using var mock = new KafkaMockCluster();
        var cluster = await KafkaTestCluster.StartAsync(KafkaTarget.Fresh(mock),
            settings: s => s["Kafka:DeliveryTimeout"] = "00:00:01.500");
        try
        {
            var roomId = TestIds.Room("down");
            var user = TestIds.User();
            var room = cluster.GrainFactory.GetGrain<IRoomGrain>(roomId);
            await room.Join(user).WaitAsync(TestIds.Timeout);
            var activity = cluster.GrainFactory.GetGrain<IRoomActivityGrain>(roomId);
            await ProbeLog.WaitUntilAsync(async () => await activity.GetActivity().WaitAsync(TestIds.Timeout) is { Members: 1 },
                TestIds.Timeout, () => "the activity consumer did not see the join");

            // Another node is subscribed; the sends come from a third node's hub.
            var node = new FakeNode();
            await room.Subscribe("fake-node-" + Guid.NewGuid().ToString("N"), cluster.Client.CreateObjectReference<IChatNode>(node)).WaitAsync(TestIds.Timeout);

            mock.StopBrokers();
            var first = await room.SendFromNode("sender-node", user, "m1", "while down").WaitAsync(TestIds.Timeout);
            var second = await room.SendFromNode("sender-node", user, "m2", "still down").WaitAsync(TestIds.Timeout);
            Assert.Equal([1, 2], [first.Message.Seq, second.Message.Seq]);
            Assert.Equal([1, 2], (await node.NextMessagesAsync(2)).Select(m => m.Seq).Order());

            // The relay holds both and says so; the consumer has not seen them.
            await ProbeLog.WaitUntilAsync(() => Task.FromResult(Relays(cluster).Any(r => r.FailingSince is not null)),
                TestIds.Timeout, () => "no relay reported failing publishes");
            Assert.Equal(2, Relays(cluster).Sum(r => r.Lag));
            Assert.Equal(0, (await activity.GetActivity().WaitAsync(TestIds.Timeout)).Messages);

            // The node stays up: both silos answer, and the room still serves what it stored.
            var hosts = await cluster.GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TestIds.Timeout);
            Assert.Equal(2, hosts.Count);
            Assert.Equal(2, (await room.GetHistory(user, 0, 10).WaitAsync(TestIds.Timeout)).Count);

            // Recovery needs nothing but time: the relay publishes what waited, in order, once each.
            mock.StartBrokers();
            Assert.Equal(3, (await room.Send(user, "m3", "after").WaitAsync(TestIds.Timeout)).Seq);
            await ProbeLog.WaitUntilAsync(async () => await activity.GetActivity().WaitAsync(TestIds.Timeout) is { Messages: 3, LastSeq: 3, Members: 1 },
                TimeSpan.FromSeconds(60), () => "the activity consumer did not catch up with the three messages");
            await ProbeLog.WaitUntilAsync(() => Task.FromResult(Relays(cluster).All(r => r.Lag == 0 && r.FailingSince is null)),
                TestIds.Timeout, () => "a relay still reports lag after catching up");
        }
        finally
        {
            await KafkaTestCluster.StopAsync(cluster);
        }
    }

    private static List<RoomEventRelay> Relays(TestCluster cluster) =>
        cluster.Silos.Cast<InProcessSiloHandle>().Select(s => s.SiloHost.Services.GetRequiredService<RoomEventRelay>()).ToList();
}
