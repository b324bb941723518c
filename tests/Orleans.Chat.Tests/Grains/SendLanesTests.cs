using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Edge.Routing;
using OrleansChat.Grains.Sending;
using OrleansChat.Messages;
using OrleansChat.Rooms;
using OrleansChat.Tests.Infrastructure;
using Orleans.TestingHost;

namespace OrleansChat.Tests.Grains;

/// <summary>A node's sends to rooms of one silo: alone when nothing is in flight, together behind a call in flight.</summary>
[Collection(ChatClusterCollection.Name)]
public sealed class SendLanesTests(ChatClusterFixture fixture)
{
    [Fact]
    public async Task Sends_queued_behind_a_call_in_flight_share_one_call_and_are_answered_one_by_one()
    {
        var services = ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services;
        var lanes = new SendLanes(services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<SendGateways>());
        var alice = TestIds.User("alice");
        var rooms = new[] { TestIds.Room("a"), TestIds.Room("b") };
        var notJoined = TestIds.Room("c");
        foreach (var roomId in rooms.Append(notJoined))
        {
            await fixture.Grains.GetGrain<IRoomGrain>(roomId).Join(roomId == notJoined ? TestIds.User("other") : alice).WaitAsync(TestIds.Timeout);

            // The first send to a room goes to it directly; its answer names the room's silo.
            var first = await lanes.SendAsync(new SendRequest(roomId, "node-x", roomId == notJoined ? "nobody" : alice, "first", "hello")).WaitAsync(TestIds.Timeout)
                .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default);
            Assert.Equal(roomId != notJoined, first is not null);
        }

        // Posted back to back: the first leaves at once, the rest queue behind it and go in one call.
        var sends = Enumerable.Range(0, 10).Select(i => new SendRequest(rooms[i % 2], "node-x", alice, $"m{i}", $"text {i}")).ToList();
        var answers = sends.Select(lanes.SendAsync).ToList();
        var refused = lanes.SendAsync(new SendRequest(notJoined, "node-x", alice, "m-refused", "not a member"));

        var receipts = await Task.WhenAll(answers).WaitAsync(TestIds.Timeout);
        var error = await Assert.ThrowsAsync<ChatException>(() => refused.WaitAsync(TestIds.Timeout));
        Assert.Equal(ChatErrorCode.NotMember, error.Code);

        Assert.True(lanes.BatchCalls >= 1 && lanes.BatchedSends >= 2, $"no sends shared a call ({lanes.BatchedSends} sends in {lanes.BatchCalls} calls)");
        Assert.True(lanes.BatchCalls + 2 < sends.Count, $"{lanes.BatchCalls} batch calls for {sends.Count} sends");

        // Each answer is its own send's, and each room stored its sends in the order they were posted.
        for (var i = 0; i < sends.Count; i++)
        {
            Assert.Equal(sends[i].ClientMsgId, receipts[i].Message.ClientMsgId);
            Assert.Equal(sends[i].RoomId, receipts[i].Message.RoomId);
        }

        foreach (var roomId in rooms)
        {
            var seqs = receipts.Where(r => r.Message.RoomId == roomId).Select(r => r.Message.Seq).ToList();
            Assert.Equal(Enumerable.Range(2, 5).Select(s => (long)s), seqs);
        }

        // Sent again (the node's retry after a lost answer): the stored original, not a second message.
        var again = await lanes.SendAsync(sends[0]).WaitAsync(TestIds.Timeout);
        Assert.Equal(receipts[0].Message.Seq, again.Message.Seq);
        Assert.Equal(6, await fixture.Grains.GetGrain<IRoomGrain>(rooms[0]).GetLastSeq().WaitAsync(TestIds.Timeout));
    }
}
