using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Grains.Users;
using OrleansChat.Nodes;
using OrleansChat.Tests.Infrastructure;
using OrleansChat.Users;
using Orleans.TestingHost;

namespace OrleansChat.Tests.Grains;

[Collection(ChatClusterCollection.Name)]
public sealed class OnlineUsersTests(ChatClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private OnlineUsers Sweeper => ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services.GetRequiredService<OnlineUsers>();

    [Fact]
    public async Task A_node_gone_from_the_directory_for_two_sweeps_takes_only_its_users_offline()
    {
        var liveNodeId = "live-" + Guid.NewGuid().ToString("N");
        var liveNode = new FakeNode();
        var liveReference = fixture.Cluster.Client.CreateObjectReference<IChatNode>(liveNode);
        await Grains.GetGrain<INodeDirectoryGrain>(0).Register(liveNodeId, liveReference).WaitAsync(TestIds.Timeout);
        var deadReference = fixture.Cluster.Client.CreateObjectReference<IChatNode>(new FakeNode());
        var deadNodeId = "killed-" + Guid.NewGuid().ToString("N");

        var onDeadNode = Grains.GetGrain<IUserGrain>(TestIds.User("gone"));
        var onBoth = Grains.GetGrain<IUserGrain>(TestIds.User("both"));
        var onLiveNode = Grains.GetGrain<IUserGrain>(TestIds.User("stays"));
        await onDeadNode.Connect(deadNodeId, deadReference, "c1").WaitAsync(TestIds.Timeout);
        await onBoth.Connect(deadNodeId, deadReference, "c2").WaitAsync(TestIds.Timeout);
        await onBoth.Connect(liveNodeId, liveReference, "c3").WaitAsync(TestIds.Timeout);
        await onLiveNode.Connect(liveNodeId, liveReference, "c4").WaitAsync(TestIds.Timeout);

        // The first sweep only notes the missing node: a directory refilling after a restart looks the same.
        await Sweeper.SweepAsync().WaitAsync(TestIds.Timeout);
        Assert.True(await onDeadNode.IsOnline().WaitAsync(TestIds.Timeout));

        await Sweeper.SweepAsync().WaitAsync(TestIds.Timeout);
        Assert.False(await onDeadNode.IsOnline().WaitAsync(TestIds.Timeout));
        Assert.True(await onBoth.IsOnline().WaitAsync(TestIds.Timeout));
        Assert.True(await onLiveNode.IsOnline().WaitAsync(TestIds.Timeout));

        // The user on both nodes keeps its live connection, and goes offline when that one closes.
        await onBoth.Disconnect(liveNodeId, "c3").WaitAsync(TestIds.Timeout);
        Assert.False(await onBoth.IsOnline().WaitAsync(TestIds.Timeout));
    }

    [Fact]
    public async Task A_user_that_goes_offline_is_no_longer_tracked_for_sweeps()
    {
        var node = fixture.Cluster.Client.CreateObjectReference<IChatNode>(new FakeNode());
        var nodeId = "n-" + Guid.NewGuid().ToString("N");
        var userId = TestIds.User();
        var user = Grains.GetGrain<IUserGrain>(userId);

        // Per user, not a silo-wide count: other tests' users come and go on the same silo.
        await user.Connect(nodeId, node, "c1").WaitAsync(TestIds.Timeout);
        await user.Connect(nodeId, node, "c2").WaitAsync(TestIds.Timeout);
        Assert.True(Sweeper.IsTracked(userId), "a connected user is not tracked for sweeps");

        await user.Disconnect(nodeId, "c1").WaitAsync(TestIds.Timeout);
        Assert.True(await user.IsOnline().WaitAsync(TestIds.Timeout));
        Assert.True(Sweeper.IsTracked(userId), "a user with a connection left is no longer tracked");

        await user.Disconnect(nodeId, "c2").WaitAsync(TestIds.Timeout);
        Assert.False(await user.IsOnline().WaitAsync(TestIds.Timeout));
        Assert.False(Sweeper.IsTracked(userId), "an offline user is still tracked for sweeps");
    }
}
