using OrleansChat.Messages;
using OrleansChat.Nodes;
using OrleansChat.Rooms;
using OrleansChat.Tests.Grains;
using OrleansChat.Tests.Infrastructure;
using Orleans.Runtime;

namespace OrleansChat.Tests.Kafka;

/// <summary>Kafka goes away under a running two-silo chat cluster and comes back.</summary>
public sealed class KafkaUnreachableTests
{
    [Fact]
    public async Task A_send_fails_clearly_while_Kafka_is_down_and_succeeds_once_it_is_back()
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

            // The send comes from a node's hub: a node that would have delivered the answer itself.
            var node = new FakeNode();
            var nodeId = "fake-node-" + Guid.NewGuid().ToString("N");
            await room.Subscribe(nodeId, cluster.Client.CreateObjectReference<IChatNode>(node)).WaitAsync(TestIds.Timeout);

            mock.StopBrokers();
            var failure = await Assert.ThrowsAsync<RoomEventsUnavailableException>(() => room.SendFromNode(nodeId, user, "m1", "while down").WaitAsync(TestIds.Timeout));
            Assert.Contains("not acknowledged", failure.Message);
            Assert.Contains("message 1", failure.Message);

            // Stored but not acknowledged: with no answer to deliver, the node gets it from the room.
            Assert.Equal(1, Assert.Single(await node.NextMessagesAsync(1)).Seq);

            // The node stays up: both silos answer, and the room still serves what it stored.
            var hosts = await cluster.GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TestIds.Timeout);
            Assert.Equal(2, hosts.Count);
            Assert.Equal(1, await room.GetLastSeq().WaitAsync(TestIds.Timeout));

            mock.StartBrokers();
            // Recovery needs nothing but time: the client's retry with the same clientMsgId goes through.
            ChatMessage? retried = null;
            await ProbeLog.WaitUntilAsync(async () =>
            {
                try
                {
                    retried = await room.Send(user, "m1", "while down").WaitAsync(TestIds.Timeout);
                    return true;
                }
                catch (RoomEventsUnavailableException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), () => "sends kept failing after Kafka came back");
            Assert.Equal(1, retried?.Seq);
            Assert.Equal(2, (await room.Send(user, "m2", "after").WaitAsync(TestIds.Timeout)).Seq);

            // The stream's consumer saw both messages once each, and the join.
            var activity = cluster.GrainFactory.GetGrain<IRoomActivityGrain>(roomId);
            await ProbeLog.WaitUntilAsync(async () => await activity.GetActivity().WaitAsync(TestIds.Timeout) is { Messages: 2, LastSeq: 2, Members: 1 },
                TimeSpan.FromSeconds(60), () => "the activity consumer did not see both messages");
        }
        finally
        {
            await KafkaTestCluster.StopAsync(cluster);
        }
    }
}
