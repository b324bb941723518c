using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Grains.Users;
using OrleansChat.Messages;
using OrleansChat.Nodes;
using OrleansChat.Rooms;
using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Tests.Infrastructure;
using OrleansChat.Users;
using Orleans.TestingHost;

namespace OrleansChat.Tests.Grains;

/// <summary>
/// Node liveness is cluster membership: a node's id is its silo's address, and when that silo is
/// declared dead its users' connections go and rooms stop handing it events, with no sweep or
/// expiry in between. The nodes here are stand-ins on the test client, so they would keep receiving
/// whatever a room still sent them after their silo died: that is what the tests look for.
/// </summary>
[Collection(ChatClusterCollection.Name)]
public sealed class DeadSiloTests(ChatClusterFixture fixture)
{
    private static readonly TimeSpan DeathTimeout = TimeSpan.FromSeconds(60);

    private IGrainFactory Grains => fixture.Grains;

    private OnlineUsers Tracker => ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services.GetRequiredService<OnlineUsers>();

    /// <summary>
    /// Whether the user's grain holds a live connection: its silo tracks exactly those users (the
    /// users here are activated on the primary, the silo that stays).
    /// </summary>
    private bool IsOnline(IUserGrain user) => Tracker.IsTracked(user.GetPrimaryKeyString());

    [Fact]
    public async Task A_silo_declared_dead_takes_its_connections_offline_and_gets_no_more_room_events()
    {
        var liveNodeId = "live-" + Guid.NewGuid().ToString("N");
        var liveNode = new FakeNode();
        var liveReference = fixture.Cluster.Client.CreateObjectReference<IChatNode>(liveNode);
        var doomedNode = new FakeNode();
        var doomedReference = fixture.Cluster.Client.CreateObjectReference<IChatNode>(doomedNode);

        // Activated while the primary is the only silo, so none of them dies with the second one.
        var onDeadNode = Grains.GetGrain<IUserGrain>(TestIds.User("gone"));
        var onBoth = Grains.GetGrain<IUserGrain>(TestIds.User("both"));
        var onLiveNode = Grains.GetGrain<IUserGrain>(TestIds.User("stays"));
        var room = Grains.GetGrain<IRoomGrain>(TestIds.Room("dead"));
        var alice = TestIds.User("alice");
        await room.Join(alice).WaitAsync(TestIds.Timeout);
        foreach (var user in new[] { onDeadNode, onBoth, onLiveNode })
        {
            await user.GetBlocked().WaitAsync(TestIds.Timeout);
        }

        var silo = await fixture.Cluster.StartAdditionalSiloAsync().WaitAsync(TimeSpan.FromMinutes(1));
        var deadNodeId = silo.SiloAddress.ToParsableString();
        try
        {
            await onDeadNode.Connect(deadNodeId, doomedReference, "c1").WaitAsync(TestIds.Timeout);
            await onBoth.Connect(deadNodeId, doomedReference, "c2").WaitAsync(TestIds.Timeout);
            await onBoth.Connect(liveNodeId, liveReference, "c3").WaitAsync(TestIds.Timeout);
            await onLiveNode.Connect(liveNodeId, liveReference, "c4").WaitAsync(TestIds.Timeout);
            await room.Subscribe(deadNodeId, doomedReference).WaitAsync(TestIds.Timeout);
            await room.Subscribe(liveNodeId, liveReference).WaitAsync(TestIds.Timeout);
            var before = await room.Send(alice, "before", "while both live").WaitAsync(TestIds.Timeout);
            Assert.Equal(before.Seq, (await doomedNode.NextMessagesAsync(1))[0].Seq);
            Assert.Equal(before.Seq, (await liveNode.NextMessagesAsync(1))[0].Seq);
        }
        finally
        {
            await fixture.Cluster.StopSiloAsync(silo).WaitAsync(TimeSpan.FromMinutes(1));
        }

        await Poll.UntilAsync(() => !IsOnline(onDeadNode), DeathTimeout, () => "the user whose only node died is still online");
        Assert.True(IsOnline(onBoth));
        Assert.True(IsOnline(onLiveNode));
        Assert.False(Tracker.IsTracked(onDeadNode.GetPrimaryKeyString()), "an offline user is still tracked");

        // Three messages after the death: the live node gets them all, the dead one none.
        var after = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            after.Add((await room.Send(alice, $"after{i}", "after the death").WaitAsync(TestIds.Timeout)).Seq);
        }

        // One-way calls to an observer on the test client may overtake each other; real nodes put
        // events in seq order themselves.
        Assert.Equal(after, (await liveNode.NextMessagesAsync(3)).Select(m => m.Seq).Order());
        var leftovers = new List<RoomEvent>();
        while (doomedNode.Events.Reader.TryRead(out var roomEvent))
        {
            leftovers.Add(roomEvent);
        }

        Assert.DoesNotContain(leftovers.OfType<MessageEvent>(), m => after.Contains(m.Message.Seq));

        // A subscription that arrives from the dead silo after its death does not bring it back.
        await room.Subscribe(deadNodeId, doomedReference).WaitAsync(TestIds.Timeout);
        var late = await room.Send(alice, "late", "after a late subscribe").WaitAsync(TestIds.Timeout);
        Assert.Equal(late.Seq, (await liveNode.NextMessagesAsync(1))[0].Seq);
        Assert.False(doomedNode.Events.Reader.TryRead(out _), "a node of a dead silo got an event after subscribing late");

        // The user on both nodes keeps its live connection, and goes offline when that one closes.
        await onBoth.Disconnect(liveNodeId, "c3").WaitAsync(TestIds.Timeout);
        Assert.False(IsOnline(onBoth));
    }

    [Fact]
    public async Task A_user_that_goes_offline_is_no_longer_tracked()
    {
        var node = fixture.Cluster.Client.CreateObjectReference<IChatNode>(new FakeNode());
        var nodeId = "n-" + Guid.NewGuid().ToString("N");
        var userId = TestIds.User();
        var user = Grains.GetGrain<IUserGrain>(userId);

        // Per user, not a silo-wide count: other tests' users come and go on the same silo.
        await user.Connect(nodeId, node, "c1").WaitAsync(TestIds.Timeout);
        await user.Connect(nodeId, node, "c2").WaitAsync(TestIds.Timeout);
        Assert.True(Tracker.IsTracked(userId), "a connected user is not tracked");

        await user.Disconnect(nodeId, "c1").WaitAsync(TestIds.Timeout);
        Assert.True(IsOnline(user));
        Assert.True(Tracker.IsTracked(userId), "a user with a connection left is no longer tracked");

        await user.Disconnect(nodeId, "c2").WaitAsync(TestIds.Timeout);
        Assert.False(IsOnline(user));
        Assert.False(Tracker.IsTracked(userId), "an offline user is still tracked");
    }
}
