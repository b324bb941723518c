using OrleansChat.Messages;
using OrleansChat.Nodes;
using OrleansChat.Rooms;
using OrleansChat.Tests.Grains;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Abuse;

/// <summary>
/// Presence asked of the room's nodes. A cluster of its own: the node here is an observer on the
/// test client that must answer within the room's 5 s bound, and in the shared cluster other tests'
/// observers can hold the client's callbacks up that long.
/// </summary>
[Collection(PresenceClusterCollection.Name)]
public sealed class PresenceGrainTests(ChatClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Presence_is_asked_of_the_rooms_nodes_and_activates_no_member()
    {
        var roomId = TestIds.Room();
        var room = Grains.GetGrain<IRoomGrain>(roomId);
        var members = Enumerable.Range(0, 5).Select(i => TestIds.User($"m{i}")).ToList();
        foreach (var member in members)
        {
            await room.Join(member).WaitAsync(TestIds.Timeout);
        }

        var node = new FakeNode();
        node.Connected[members[1]] = true;
        node.Connected[members[3]] = true;
        var reference = fixture.Cluster.Client.CreateObjectReference<IChatNode>(node);
        await room.Subscribe("n-" + Guid.NewGuid().ToString("N"), reference).WaitAsync(TestIds.Timeout);

        var presence = await room.GetPresence(members[0], 500).WaitAsync(TestIds.Timeout);

        Assert.Equal(members.Order(StringComparer.Ordinal), presence.Select(p => p.UserId));
        Assert.Equal([members[1], members[3]], presence.Where(p => p.Online).Select(p => p.UserId).Order(StringComparer.Ordinal));
        Assert.All(members, m => Assert.Equal(0, GrainCallCounter.CallsToAny(m)));
        var stranger = await Assert.ThrowsAsync<ChatException>(() => room.GetPresence(TestIds.User("stranger"), 500).WaitAsync(TestIds.Timeout));
        Assert.Contains("not a member", stranger.Message);
    }
}

[CollectionDefinition(Name)]
public sealed class PresenceClusterCollection : ICollectionFixture<ChatClusterFixture>
{
    public const string Name = "presence cluster";
}
