using Microsoft.Extensions.Logging.Abstractions;
using OrleansChat.Edge.Hubs;
using OrleansChat.Messages;
using OrleansChat.Nodes;
using OrleansChat.Rooms;
using OrleansChat.Tests.Infrastructure;
using OrleansChat.Users;

namespace OrleansChat.Tests.Grains;

[Collection(ChatClusterCollection.Name)]
public sealed class DirectRoomJoinsTests(ChatClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Sends_arriving_while_a_conversation_is_being_joined_wait_for_that_join_instead_of_repeating_it()
    {
        var alice = TestIds.User("alice");
        var bob = TestIds.User("bob");
        var roomId = ChatLimits.DirectRoomId(alice, bob);
        var node = new FakeNode();
        await Grains.GetGrain<IUserGrain>(alice)
            .Connect("n-" + Guid.NewGuid().ToString("N"), fixture.Cluster.Client.CreateObjectReference<IChatNode>(node), "c1")
            .WaitAsync(TestIds.Timeout);
        var joins = new DirectRoomJoins(Grains, NullLogger<DirectRoomJoins>.Instance);

        // Twenty messages of one sender find the conversation missing before the first join is done.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => joins.JoinAsync(alice, bob, roomId, senderIsMember: false))).WaitAsync(TestIds.Timeout);

        var room = Grains.GetGrain<IRoomGrain>(roomId);
        Assert.True(await room.IsMember(alice).WaitAsync(TestIds.Timeout));
        Assert.True(await room.IsMember(bob).WaitAsync(TestIds.Timeout));
        // Every join of alice tells her node her room list: one join, one announcement.
        Assert.Single(node.RoomLists, r => r.UserId == alice);

        // Once done, the join is forgotten: a later need (one of them left) joins again.
        await Grains.GetGrain<IUserGrain>(bob).LeaveRoom(roomId).WaitAsync(TestIds.Timeout);
        await joins.JoinAsync(alice, bob, roomId, senderIsMember: true).WaitAsync(TestIds.Timeout);
        Assert.True(await room.IsMember(bob).WaitAsync(TestIds.Timeout));
    }

    [Fact]
    public async Task Every_send_waiting_on_a_refused_join_gets_the_refusal_naming_the_full_recipient()
    {
        var sender = TestIds.User("sender");
        var full = TestIds.User("full");
        for (var i = 0; i < ChatClusterFixture.Limit; i++)
        {
            await Grains.GetGrain<IUserGrain>(full).JoinRoom(ChatLimits.DirectRoomId(full, TestIds.User($"p{i}"))).WaitAsync(TestIds.Timeout);
        }

        var joins = new DirectRoomJoins(Grains, NullLogger<DirectRoomJoins>.Instance);
        var roomId = ChatLimits.DirectRoomId(sender, full);
        var attempts = Enumerable.Range(0, 5).Select(_ => joins.JoinAsync(sender, full, roomId, senderIsMember: false)).ToList();

        foreach (var attempt in attempts)
        {
            var refused = await Assert.ThrowsAsync<ChatException>(() => attempt.WaitAsync(TestIds.Timeout));
            Assert.Equal(ChatErrorCode.LimitReached, refused.Code);
            Assert.Contains(full, refused.Message);
        }

        // The sender joined only for this conversation and does not stay in it alone.
        Assert.False(await Grains.GetGrain<IRoomGrain>(roomId).IsMember(sender).WaitAsync(TestIds.Timeout));
    }
}
