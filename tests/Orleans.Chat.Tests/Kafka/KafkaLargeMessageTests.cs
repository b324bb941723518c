using OrleansChat.Messages;
using OrleansChat.Rooms;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Kafka;

/// <summary>Many long messages at once in one room: the room's stream batches must stay under Kafka's record limit.</summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaLargeMessageTests(KafkaMockFixture kafka)
{
    [Fact]
    public async Task A_burst_of_maximum_length_messages_in_one_room_is_acknowledged_and_reaches_the_stream_in_full()
    {
        var cluster = await KafkaTestCluster.StartAsync(KafkaTarget.Fresh(kafka.Mock), silos: 1);
        try
        {
            var roomId = TestIds.Room("long");
            var room = cluster.GrainFactory.GetGrain<IRoomGrain>(roomId);
            var users = Enumerable.Range(0, 10).Select(i => TestIds.User($"u{i}")).ToList();
            foreach (var user in users)
            {
                await room.Join(user).WaitAsync(TestIds.Timeout);
            }

            // 4 000 CJK characters are 12 000 bytes in UTF-8: 150 of them queued behind one publish
            // would make a 1.8 MB batch, past Kafka's default 1 MB record limit.
            var text = new string('字', ChatLimits.MaxTextLength);
            var sends = Enumerable.Range(0, 150)
                .Select(i => room.Send(users[i % users.Count], $"c{i}", text).WaitAsync(TestIds.Timeout))
                .ToList();
            var stored = await Task.WhenAll(sends);

            Assert.Equal(Enumerable.Range(1, 150).Select(i => (long)i), stored.Select(m => m.Seq).Order());

            // The relay split what queued into records Kafka takes: the consumer counts every message.
            var activity = cluster.GrainFactory.GetGrain<IRoomActivityGrain>(roomId);
            await ProbeLog.WaitUntilAsync(async () => await activity.GetActivity().WaitAsync(TestIds.Timeout) is { Messages: 150, LastSeq: 150 },
                TimeSpan.FromSeconds(60), () => "the activity consumer did not count all 150 messages");
        }
        finally
        {
            await KafkaTestCluster.StopAsync(cluster);
        }
    }
}
