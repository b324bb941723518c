using System.Text.Json;
using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Tests.Infrastructure;
using static OrleansChat.Tests.Edge.ModerationEndToEndTests;

namespace OrleansChat.Tests.Cluster;

/// <summary>
/// Moderation on a real cluster: the moderator's connection on one node, the target's on another.
/// Every action takes effect on the other node before the call returns, and what it stored
/// (roles, bans, mutes, removals, invite-only, blocks) holds after the nodes restart.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ModerationClusterTests(SharedClusterFixture fixture) : IClassFixture<SharedClusterFixture>
{
    [Fact]
    public async Task Every_action_of_a_moderator_on_one_node_reaches_the_target_on_another_before_it_returns()
    {
        var (one, two) = (fixture.Cluster.Nodes[0].Url, fixture.Cluster.Nodes[1].Url);
        var roomId = TestIds.Room();
        var elsewhere = TestIds.Room();
        await using var owner = await TestChatClient.ConnectAsync(one, TestIds.User("owner"));
        await using var mod = await TestChatClient.ConnectAsync(one, TestIds.User("mod"));
        await using var target = await TestChatClient.ConnectAsync(two, TestIds.User("target"));
        await using var witness = await TestChatClient.ConnectAsync(two, TestIds.User("witness"));
        await owner.InvokeAsync<JsonElement>("CreateRoom", roomId, new { title = "Across", inviteOnly = true });
        foreach (var invitee in new[] { mod, witness })
        {
            await owner.InvokeAsync("Invite", roomId, invitee.UserId);
            await invitee.WaitForAsync("invited", p => Str(p, "roomId") == roomId);
            await invitee.JoinAsync(roomId);
        }

        await Refused(target.JoinAsync(roomId), "invite-only");
        await Refused(target.InvokeAsync<JsonElement>("GetRoom", roomId), "invite-only");
        await owner.InvokeAsync("SetRole", roomId, mod.UserId, "moderator");
        await mod.InvokeAsync("Invite", roomId, target.UserId);
        Assert.Equal(mod.UserId, Str(await target.WaitForAsync("invited", p => Str(p, "roomId") == roomId), "by"));
        await target.JoinAsync(roomId);
        await owner.JoinAsync(elsewhere);
        await target.JoinAsync(elsewhere);

        await Refused(target.InvokeAsync("Kick", roomId, witness.UserId, "x"), "not allowed");
        await owner.InvokeAsync<JsonElement>("UpdateRoom", roomId, new { title = "Renamed" });
        Assert.Equal("Renamed", Str(await target.WaitForAsync("roomUpdated", p => Str(p, "roomId") == roomId), "title"));

        await mod.InvokeAsync("Mute", roomId, target.UserId, 0);
        await Refused(target.SendAsync(roomId, "muted on node two"), "muted");
        await mod.InvokeAsync("Unmute", roomId, target.UserId);
        await target.SendAsync(roomId, "unmuted");

        await mod.InvokeAsync("Kick", roomId, target.UserId, "cool off");
        Assert.Equal("cool off", Str(await target.WaitForAsync("memberKicked", p => Str(p, "roomId") == roomId), "reason"));
        await AssertCutOffAsync(owner, witness, target, roomId, elsewhere);

        await Refused(target.JoinAsync(roomId), "invite-only");
        await mod.InvokeAsync("Invite", roomId, target.UserId);
        await target.JoinAsync(roomId);
        await mod.InvokeAsync("Ban", roomId, target.UserId, 0, "for good");
        await target.WaitForAsync("memberBanned", p => Str(p, "roomId") == roomId);
        await AssertCutOffAsync(owner, witness, target, roomId, elsewhere);
        await Refused(target.JoinAsync(roomId), "banned");
        await mod.InvokeAsync("Unban", roomId, target.UserId);
        await Refused(target.JoinAsync(roomId), "invite-only");

        await owner.InvokeAsync("SetRole", roomId, witness.UserId, "owner");
        Assert.Equal("owner", Str(await witness.WaitForAsync("roleChanged", p => Str(p, "userId") == witness.UserId), "role"));

        await target.InvokeAsync("Block", owner.UserId);
        await Refused(owner.InvokeAsync<JsonElement>("SendDirect", target.UserId, "c1", "hello"), "does not accept");
    }

    [Fact]
    public async Task Roles_bans_mutes_removals_and_blocks_hold_after_the_nodes_restart()
    {
        await using var cluster = await ChatCluster.StartAsync(2);
        var (one, two) = (cluster.Nodes[0], cluster.Nodes[1]);
        var roomId = TestIds.Room();
        var elsewhere = TestIds.Room();
        var (ownerId, modId, mutedId, kickedId, bannedId, strangerId) =
            (TestIds.User("owner"), TestIds.User("mod"), TestIds.User("muted"), TestIds.User("kicked"), TestIds.User("banned"), TestIds.User("stranger"));
        await using (var owner = await TestChatClient.ConnectAsync(one.Url, ownerId))
        {
            await owner.InvokeAsync<JsonElement>("CreateRoom", roomId, new { title = "Kept", inviteOnly = true });
            foreach (var user in new[] { modId, mutedId, kickedId, bannedId })
            {
                await owner.InvokeAsync("Invite", roomId, user);
                await using var client = await TestChatClient.ConnectAsync(two.Url, user);
                await client.JoinAsync(roomId);
                await client.JoinAsync(elsewhere);
            }

            await owner.InvokeAsync("SetRole", roomId, modId, "moderator");
            await owner.InvokeAsync("Mute", roomId, mutedId, 0);
            await owner.InvokeAsync("Kick", roomId, kickedId, "bye");
            await owner.InvokeAsync("Ban", roomId, bannedId, 0, "gone");
            await using var blocker = await TestChatClient.ConnectAsync(two.Url, mutedId);
            await blocker.InvokeAsync("Block", ownerId);
        }

        // Each node in turn: every grain of the test is activated again from the store.
        foreach (var slot in cluster.Nodes)
        {
            await cluster.StopAsync(slot);
            await cluster.StartNodeAsync(slot);
        }

        await using var ownerAgain = await TestChatClient.ConnectAsync(one.Url, ownerId);
        await using var mod = await TestChatClient.ConnectAsync(two.Url, modId);
        await using var muted = await TestChatClient.ConnectAsync(two.Url, mutedId);
        await using var kicked = await TestChatClient.ConnectAsync(two.Url, kickedId);
        await using var banned = await TestChatClient.ConnectAsync(one.Url, bannedId);
        await using var stranger = await TestChatClient.ConnectAsync(two.Url, strangerId);

        var info = await mod.InvokeAsync<JsonElement>("GetRoom", roomId);
        Assert.Equal((ownerId, "Kept", true), (Str(info, "owner"), Str(info, "title"), info.GetProperty("inviteOnly").GetBoolean()));
        Assert.Equal([modId], info.GetProperty("moderators").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("moderator", Str(await mod.JoinAsync(roomId), "role"));
        await Refused(muted.SendAsync(roomId, "still muted?"), "muted");
        await Refused(banned.JoinAsync(roomId), "banned");
        await Refused(stranger.JoinAsync(roomId), "invite-only");
        await Refused(ownerAgain.InvokeAsync<JsonElement>("SendDirect", mutedId, "c1", "hi"), "does not accept");
        Assert.DoesNotContain(roomId, (await kicked.InvokeAsync<JsonElement>("GetRooms")).EnumerateArray().Select(r => Str(r, "roomId")));
        await ownerAgain.JoinAsync(elsewhere);
        await AssertCutOffAsync(ownerAgain, mod, kicked, roomId, elsewhere);
    }
}
