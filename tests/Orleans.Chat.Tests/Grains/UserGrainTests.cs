using OrleansChat.Messages;
using OrleansChat.Nodes;
using OrleansChat.Rooms;
using OrleansChat.Tests.Infrastructure;
using OrleansChat.Users;

namespace OrleansChat.Tests.Grains;

[Collection(ChatClusterCollection.Name)]
public sealed class UserGrainTests(ChatClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_join_tells_the_users_nodes_the_seq_it_joined_at_so_a_late_route_can_catch_up()
    {
        var roomId = TestIds.Room();
        var room = Grains.GetGrain<IRoomGrain>(roomId);
        var alice = TestIds.User("alice");
        await room.Join(alice).WaitAsync(TestIds.Timeout);
        await room.Send(alice, "c1", "one").WaitAsync(TestIds.Timeout);
        await room.Send(alice, "c2", "two").WaitAsync(TestIds.Timeout);

        var node = new FakeNode();
        var reference = fixture.Cluster.Client.CreateObjectReference<IChatNode>(node);
        var bob = Grains.GetGrain<IUserGrain>(TestIds.User("bob"));
        await bob.Connect("n-" + Guid.NewGuid().ToString("N"), reference, "c1").WaitAsync(TestIds.Timeout);

        var joined = await bob.JoinRoom(roomId).WaitAsync(TestIds.Timeout);

        Assert.Equal(2, joined.LastSeq);
        var (userId, rooms) = Assert.Single(node.RoomLists);
        Assert.Equal(bob.GetPrimaryKeyString(), userId);
        Assert.Contains(roomId, rooms.Rooms);
        Assert.NotNull(rooms.JoinedAfter);
        Assert.Equal(2, rooms.JoinedAfter[roomId]);
    }

    [Fact]
    public async Task Marking_read_tells_the_room_only_when_the_read_position_moves_forward()
    {
        var roomId = TestIds.Room();
        var room = Grains.GetGrain<IRoomGrain>(roomId);
        var alice = Grains.GetGrain<IUserGrain>(TestIds.User("alice"));
        await alice.JoinRoom(roomId).WaitAsync(TestIds.Timeout);
        for (var i = 1; i <= 3; i++)
        {
            await room.Send(alice.GetPrimaryKeyString(), $"c{i}", $"text {i}").WaitAsync(TestIds.Timeout);
        }

        var node = new FakeNode();
        var reference = fixture.Cluster.Client.CreateObjectReference<IChatNode>(node);
        await room.Subscribe("n-" + Guid.NewGuid().ToString("N"), reference).WaitAsync(TestIds.Timeout);

        await alice.MarkRead(roomId, 2).WaitAsync(TestIds.Timeout);
        await alice.MarkRead(roomId, 2).WaitAsync(TestIds.Timeout);
        await alice.MarkRead(roomId, 1).WaitAsync(TestIds.Timeout);
        await alice.MarkRead(roomId, 3).WaitAsync(TestIds.Timeout);
        // Calls to an observer may overtake each other, so events are not checked in order: a typing
        // notice sent after everything above marks the end. Once it and both reads are in, read
        // events the repeats would have caused (sent before the marker) are in as well, short of a
        // reordering wider than this whole sequence.
        await room.Typing(alice.GetPrimaryKeyString()).WaitAsync(TestIds.Timeout);
        var reads = new List<long>();
        var typingSeen = false;
        while (!typingSeen || !reads.Contains(2) || !reads.Contains(3))
        {
            switch (await NextEventAsync(node))
            {
                case ReadEvent read:
                    reads.Add(read.Seq);
                    break;
                case TypingEvent:
                    typingSeen = true;
                    break;
            }
        }

        Assert.Equal([2L, 3L], reads.Order());
        Assert.Equal(3, (await alice.GetRoomReads(null, 10).WaitAsync(TestIds.Timeout)).Single().LastRead);
        var negative = await Assert.ThrowsAsync<ChatException>(() => alice.MarkRead(roomId, -5).WaitAsync(TestIds.Timeout));
        Assert.Contains("seq", negative.Message);
    }

    [Fact]
    public async Task A_user_at_the_room_limit_is_refused_one_more_room_and_stays_in_the_others()
    {
        var user = Grains.GetGrain<IUserGrain>(TestIds.User("joiner"));
        var prefix = TestIds.Room("many");
        for (var i = 0; i < ChatClusterFixture.Limit; i++)
        {
            await user.JoinRoom($"{prefix}-{i}").WaitAsync(TestIds.Timeout);
        }

        var refused = await Assert.ThrowsAsync<ChatException>(() => user.JoinRoom($"{prefix}-x").WaitAsync(TestIds.Timeout));

        Assert.Equal(ChatErrorCode.LimitReached, refused.Code);
        Assert.Contains($"maximum of {ChatClusterFixture.Limit} rooms", refused.Message);
        Assert.False(await Grains.GetGrain<IRoomGrain>($"{prefix}-x").IsMember(user.GetPrimaryKeyString()).WaitAsync(TestIds.Timeout));
        Assert.Equal(ChatClusterFixture.Limit, (await user.RoomIds()).Count);
        await user.JoinRoom($"{prefix}-0").WaitAsync(TestIds.Timeout);
        await user.LeaveRoom($"{prefix}-0").WaitAsync(TestIds.Timeout);
        await user.JoinRoom($"{prefix}-x").WaitAsync(TestIds.Timeout);
    }

    [Fact]
    public async Task A_join_succeeds_when_a_node_fails_to_route_it()
    {
        var roomId = TestIds.Room();
        var node = new FakeNode { RoutingFault = new InvalidOperationException("routing table broken") };
        var reference = fixture.Cluster.Client.CreateObjectReference<IChatNode>(node);
        var bob = Grains.GetGrain<IUserGrain>(TestIds.User("bob"));
        await bob.Connect("n-" + Guid.NewGuid().ToString("N"), reference, "c1").WaitAsync(TestIds.Timeout);

        var joined = await bob.JoinRoom(roomId).WaitAsync(TestIds.Timeout);

        Assert.Equal(roomId, joined.RoomId);
        Assert.Single(node.RoomLists);
        Assert.True(await Grains.GetGrain<IRoomGrain>(roomId).IsMember(bob.GetPrimaryKeyString()).WaitAsync(TestIds.Timeout));
        Assert.Contains(roomId, await bob.RoomIds());
    }

    private static async Task<RoomEvent> NextEventAsync(FakeNode node) =>
        await node.Events.Reader.ReadAsync().AsTask().WaitAsync(TestIds.Timeout);
}
