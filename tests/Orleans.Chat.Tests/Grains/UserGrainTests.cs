using Orleans.Chat.Nodes;
using Orleans.Chat.Rooms;
using Orleans.Chat.Tests.Infrastructure;
using Orleans.Chat.Users;

namespace Orleans.Chat.Tests.Grains;

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
}
