using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansChat.Edge.Routing;
using OrleansChat.Grains.Sending;
using OrleansChat.Messages;
using OrleansChat.Rooms;
using OrleansChat.Tests.Infrastructure;
using Orleans.Hosting;
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
        var lanes = new SendLanes(services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<SendGateways>(), NullLogger<SendLanes>.Instance);
        var alice = TestIds.User("alice");
        var rooms = new[] { TestIds.Room("a"), TestIds.Room("b") };
        var notJoined = TestIds.Room("c");
        var other = TestIds.User("other");
        foreach (var roomId in rooms.Append(notJoined))
        {
            var room = fixture.Grains.GetGrain<IRoomGrain>(roomId);
            await room.Join(other).WaitAsync(TestIds.Timeout);
            if (roomId != notJoined)
            {
                await room.Join(alice).WaitAsync(TestIds.Timeout);
            }

            // The first send to a room goes to it directly; its answer names the room's silo.
            await lanes.SendAsync(new SendRequest(roomId, "node-x", other, "first", "hello")).WaitAsync(TestIds.Timeout);
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

    [Fact]
    public async Task A_batch_to_another_silo_answers_each_send_and_passes_a_refusal_back_as_itself()
    {
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<ChatSilo>();
        var cluster = builder.Build();
        await cluster.DeployAsync().WaitAsync(TimeSpan.FromMinutes(2));
        try
        {
            var services = ((InProcessSiloHandle)cluster.Primary!).SiloHost.Services;
            var lanes = new SendLanes(services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<SendGateways>(), NullLogger<SendLanes>.Instance);
            var here = cluster.Primary!.SiloAddress.ToParsableString();
            var (alice, bob) = (TestIds.User("alice"), TestIds.User("bob"));

            // Rooms until two live on the other silo (placement decides; the answers say where).
            var remote = new List<string>();
            for (var i = 0; remote.Count < 2 && i < 40; i++)
            {
                var roomId = TestIds.Room($"far{i}");
                await cluster.GrainFactory.GetGrain<IRoomGrain>(roomId).Join(bob).WaitAsync(TestIds.Timeout);
                var first = await lanes.SendAsync(new SendRequest(roomId, "node-x", bob, "first", "hello")).WaitAsync(TestIds.Timeout);
                if (first.Silo != here)
                {
                    remote.Add(roomId);
                }
            }

            Assert.True(remote.Count == 2, "no two rooms were placed on the other silo");
            await cluster.GrainFactory.GetGrain<IRoomGrain>(remote[0]).Join(alice).WaitAsync(TestIds.Timeout);

            // Alice may send to the first room, not to the second: both go in one call to the other silo.
            var sends = Enumerable.Range(0, 6).Select(i => new SendRequest(remote[i % 2], "node-x", alice, $"m{i}", $"text {i}")).ToList();
            var answers = sends.Select(lanes.SendAsync).ToList();
            foreach (var (send, answer) in sends.Zip(answers))
            {
                if (send.RoomId == remote[0])
                {
                    var receipt = await answer.WaitAsync(TestIds.Timeout);
                    Assert.Equal(send.ClientMsgId, receipt.Message.ClientMsgId);
                }
                else
                {
                    var refused = await Assert.ThrowsAsync<ChatException>(() => answer.WaitAsync(TestIds.Timeout));
                    Assert.Equal(ChatErrorCode.NotMember, refused.Code);
                }
            }

            Assert.True(lanes.BatchCalls >= 1, "no sends shared a call");
            Assert.Equal(4, await cluster.GrainFactory.GetGrain<IRoomGrain>(remote[0]).GetLastSeq().WaitAsync(TestIds.Timeout));
            Assert.Equal(1, await cluster.GrainFactory.GetGrain<IRoomGrain>(remote[1]).GetLastSeq().WaitAsync(TestIds.Timeout));
        }
        finally
        {
            await cluster.StopAllSilosAsync().WaitAsync(TimeSpan.FromMinutes(1));
            await cluster.DisposeAsync().AsTask().WaitAsync(TestIds.Timeout);
        }
    }

    private sealed class ChatSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) => silo.AddChatGrainsInMemory().AddSiloLocalStreams(ChatNames.StreamProvider);
    }
}
