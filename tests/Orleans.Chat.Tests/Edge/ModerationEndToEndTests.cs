using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Edge;

/// <summary>
/// Every moderation and private-room method of the contract, allowed and refused, through the
/// official .NET SignalR client against a real node: names, payload fields and refusal words as
/// the contract fixes them.
/// </summary>
[Collection(EdgeNodeCollection.Name)]
public sealed class ModerationEndToEndTests(EdgeNodeFixture node)
{
    [Fact]
    public async Task CreateRoom_makes_the_caller_owner_and_refuses_an_existing_id()
    {
        var roomId = TestIds.Room();
        await using var alice = await ConnectAsync("alice");
        await using var bob = await ConnectAsync("bob");

        var created = await alice.InvokeAsync<JsonElement>("CreateRoom", roomId, new { title = "Ops", inviteOnly = false });

        Assert.Equal(["inviteOnly", "lastSeq", "memberCount", "moderators", "owner", "roomId", "title"], created.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal((roomId, "Ops", false, alice.UserId, 1), (Str(created, "roomId"), Str(created, "title"), created.GetProperty("inviteOnly").GetBoolean(), Str(created, "owner"), created.GetProperty("memberCount").GetInt32()));
        await Refused(bob.InvokeAsync<JsonElement>("CreateRoom", roomId, new { title = "Mine" }), "already exists");
        await Refused(bob.InvokeAsync<JsonElement>("CreateRoom", TestIds.Room(), new { title = new string('t', 101) }), "title");
        var joined = await bob.JoinAsync(roomId);
        Assert.Equal("member", Str(joined, "role"));
        Assert.Equal("owner", Str(await alice.JoinAsync(roomId), "role"));

        // JoinRoom on a missing id still creates a public room, owned by the joiner.
        var fresh = TestIds.Room();
        Assert.Equal("owner", Str(await bob.JoinAsync(fresh), "role"));
        Assert.Equal(bob.UserId, Str(await alice.InvokeAsync<JsonElement>("GetRoom", fresh), "owner"));
    }

    [Fact]
    public async Task An_invite_only_room_reveals_nothing_to_strangers_and_admits_the_invited()
    {
        var roomId = TestIds.Room();
        await using var owner = await ConnectAsync("owner");
        await using var guest = await ConnectAsync("guest");
        await using var member = await ConnectAsync("member");
        await owner.InvokeAsync<JsonElement>("CreateRoom", roomId, new { title = "Hidden title", inviteOnly = true });
        await owner.SendAsync(roomId, "secret");

        var peek = await Refused(guest.InvokeAsync<JsonElement>("GetRoom", roomId), "invite-only");
        Assert.DoesNotContain("Hidden", peek.Message);
        Assert.DoesNotContain(owner.UserId, peek.Message);
        await Refused(guest.JoinAsync(roomId), "invite-only");
        await Refused(guest.InvokeAsync<JsonElement>("GetHistory", roomId, null, 10), "not a member");
        await Refused(guest.InvokeAsync<JsonElement>("Resume", roomId, 0), "not a member");

        await owner.InvokeAsync("Invite", roomId, member.UserId);
        await member.WaitForAsync("invited", p => Str(p, "roomId") == roomId);
        await member.JoinAsync(roomId);
        await Refused(member.InvokeAsync("Invite", roomId, guest.UserId), "not allowed");

        await owner.InvokeAsync("Invite", roomId, guest.UserId);
        var invited = await guest.WaitForAsync("invited", p => Str(p, "roomId") == roomId);
        Assert.Equal(["by", "roomId"], invited.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(owner.UserId, Str(invited, "by"));
        await guest.JoinAsync(roomId);
        var history = await guest.InvokeAsync<JsonElement>("GetHistory", roomId, null, 10);
        Assert.Equal("secret", Str(history[0], "text"));
    }

    [Fact]
    public async Task UpdateRoom_and_SetRole_belong_to_the_owner_and_members_hear_of_them()
    {
        var roomId = TestIds.Room();
        await using var owner = await ConnectAsync("owner");
        await using var mod = await ConnectAsync("mod");
        await using var member = await ConnectAsync("member");
        await JoinAllAsync(roomId, owner, mod, member);

        await Refused(mod.InvokeAsync<JsonElement>("UpdateRoom", roomId, new { title = "mine" }), "not allowed");
        await Refused(mod.InvokeAsync("SetRole", roomId, member.UserId, "moderator"), "not allowed");
        await Refused(owner.InvokeAsync("SetRole", roomId, member.UserId, "admin"), "role must be");

        await owner.InvokeAsync("SetRole", roomId, mod.UserId, "moderator");
        var role = await member.WaitForAsync("roleChanged", p => Str(p, "userId") == mod.UserId);
        Assert.Equal(["role", "roomId", "userId"], role.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("moderator", Str(role, "role"));
        await Refused(mod.InvokeAsync("SetRole", roomId, member.UserId, "moderator"), "not allowed");

        var updated = await owner.InvokeAsync<JsonElement>("UpdateRoom", roomId, new { title = "Renamed" });
        var heard = await member.WaitForAsync("roomUpdated", p => Str(p, "roomId") == roomId);
        Assert.Equal(updated.GetRawText(), heard.GetRawText());
        Assert.Equal("Renamed", Str(heard, "title"));
        Assert.Equal([mod.UserId], heard.GetProperty("moderators").EnumerateArray().Select(e => e.GetString()));

        await owner.InvokeAsync("SetRole", roomId, member.UserId, "owner");
        await mod.WaitForAsync("roleChanged", p => Str(p, "userId") == member.UserId && Str(p, "role") == "owner");
        await mod.WaitForAsync("roleChanged", p => Str(p, "userId") == owner.UserId && Str(p, "role") == "moderator");
        await Refused(owner.InvokeAsync<JsonElement>("UpdateRoom", roomId, new { inviteOnly = true }), "not allowed");
    }

    [Fact]
    public async Task A_kicked_member_hears_why_stops_receiving_the_room_and_may_rejoin()
    {
        var roomId = TestIds.Room();
        var elsewhere = TestIds.Room();
        await using var owner = await ConnectAsync("owner");
        await using var target = await ConnectAsync("target");
        await using var member = await ConnectAsync("member");
        await JoinAllAsync(roomId, owner, target, member);
        await JoinAllAsync(elsewhere, owner, target);

        await Refused(member.InvokeAsync("Kick", roomId, target.UserId, "no"), "not allowed");
        await Refused(owner.InvokeAsync("Kick", roomId, owner.UserId, "me"), "not allowed");
        await owner.InvokeAsync("Kick", roomId, target.UserId, "spamming");

        var seenByMember = await member.WaitForAsync("memberKicked", p => Str(p, "userId") == target.UserId);
        var seenByTarget = await target.WaitForAsync("memberKicked", p => Str(p, "roomId") == roomId);
        Assert.Equal(["by", "reason", "roomId", "userId"], seenByMember.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(seenByMember.GetRawText(), seenByTarget.GetRawText());
        Assert.Equal((owner.UserId, "spamming"), (Str(seenByTarget, "by"), Str(seenByTarget, "reason")));
        await AssertCutOffAsync(owner, member, target, roomId, elsewhere);
        await Refused(target.SendAsync(roomId, "hello?"), "not a member");
        var audit = $"Room {roomId}: {owner.UserId} kicked {target.UserId} spamming";
        await Poll.UntilAsync(() => node.Node.Output.Contains(audit, StringComparison.Ordinal), TestIds.Timeout, () => $"the node log has no line '{audit}'");

        Assert.Equal("member", Str(await target.JoinAsync(roomId), "role"));
    }

    [Fact]
    public async Task A_ban_removes_and_refuses_until_unbanned()
    {
        var roomId = TestIds.Room();
        var elsewhere = TestIds.Room();
        await using var owner = await ConnectAsync("owner");
        await using var mod = await ConnectAsync("mod");
        await using var target = await ConnectAsync("target");
        await JoinAllAsync(roomId, owner, mod, target);
        await JoinAllAsync(elsewhere, owner, target);
        await owner.InvokeAsync("SetRole", roomId, mod.UserId, "moderator");

        await Refused(target.InvokeAsync("Ban", roomId, mod.UserId, 0, "no"), "not allowed");
        await Refused(mod.InvokeAsync("Ban", roomId, owner.UserId, 0, "coup"), "not allowed");
        await mod.InvokeAsync("Ban", roomId, target.UserId, 0, "abuse");

        var banned = await target.WaitForAsync("memberBanned", p => Str(p, "roomId") == roomId);
        Assert.Equal(["by", "reason", "roomId", "until", "userId"], banned.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(JsonValueKind.Null, banned.GetProperty("until").ValueKind);
        await AssertCutOffAsync(owner, mod, target, roomId, elsewhere);
        await Refused(target.JoinAsync(roomId), "banned");
        await Refused(owner.InvokeAsync("Invite", roomId, target.UserId), "banned");

        await Refused(target.InvokeAsync("Unban", roomId, target.UserId), "not a member");
        await mod.InvokeAsync("Unban", roomId, target.UserId);
        await owner.WaitForAsync("memberUnbanned", p => Str(p, "userId") == target.UserId);
        await target.JoinAsync(roomId);

        await owner.InvokeAsync("Ban", roomId, target.UserId, 3600, "again");
        var timed = await mod.WaitForAsync("memberBanned", p => Str(p, "reason") == "again");
        Assert.InRange(DateTimeOffset.Parse(Str(timed, "until")!, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(59), DateTimeOffset.UtcNow.AddMinutes(61));
        await Refused(owner.InvokeAsync("Ban", roomId, target.UserId, -1, "x"), "seconds");
    }

    [Fact]
    public async Task A_muted_member_is_refused_sends_and_edits_until_unmuted()
    {
        var roomId = TestIds.Room();
        await using var owner = await ConnectAsync("owner");
        await using var target = await ConnectAsync("target");
        await JoinAllAsync(roomId, owner, target);
        var earlier = await target.SendAsync(roomId, "before");

        await Refused(target.InvokeAsync("Mute", roomId, owner.UserId, 60), "not allowed");
        await owner.InvokeAsync("Mute", roomId, target.UserId, 0);

        var muted = await target.WaitForAsync("memberMuted", p => Str(p, "roomId") == roomId);
        Assert.Equal(["roomId", "until", "userId"], muted.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        await Refused(target.SendAsync(roomId, "let me talk"), "muted");
        await Refused(target.InvokeAsync<JsonElement>("EditMessage", roomId, earlier.GetProperty("seq").GetInt64(), "edited"), "muted");

        await Refused(target.InvokeAsync("Unmute", roomId, target.UserId), "not allowed");
        await owner.InvokeAsync("Unmute", roomId, target.UserId);
        await target.WaitForAsync("memberUnmuted", p => Str(p, "roomId") == roomId);
        Assert.Equal(2, (await target.SendAsync(roomId, "thanks")).GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task A_blocked_user_cannot_reach_the_blocker_by_direct_message()
    {
        await using var alice = await ConnectAsync("alice");
        await using var bob = await ConnectAsync("bob");
        var dm = (await bob.InvokeAsync<JsonElement>("SendDirect", alice.UserId, "c1", "hi alice")).GetProperty("roomId").GetString()!;

        await alice.InvokeAsync("Block", bob.UserId);
        await alice.InvokeAsync("LeaveRoom", dm);
        Assert.Equal([bob.UserId], (await alice.InvokeAsync<JsonElement>("GetBlocked")).EnumerateArray().Select(e => e.GetString()));
        await Refused(alice.InvokeAsync("Block", alice.UserId), "yourself");

        await Refused(bob.InvokeAsync<JsonElement>("SendDirect", alice.UserId, "c2", "please"), "does not accept");
        var rooms = await alice.InvokeAsync<JsonElement>("GetRooms");
        Assert.DoesNotContain(dm, rooms.EnumerateArray().Select(r => Str(r, "roomId")));

        await alice.InvokeAsync("Unblock", bob.UserId);
        Assert.Empty((await alice.InvokeAsync<JsonElement>("GetBlocked")).EnumerateArray());
        await bob.InvokeAsync<JsonElement>("SendDirect", alice.UserId, "c3", "friends?");
        await alice.WaitForAsync("message", p => Str(p, "text") == "friends?");
    }

    /// <summary>
    /// The removed user gets nothing more of the room: the sender posts to the room, a witness on the
    /// same node receives it, then the sender posts a marker to another room the removed user is in.
    /// Writes to one connection keep their order, so the marker arriving alone proves the room's message was never sent to them.
    /// </summary>
    internal static async Task AssertCutOffAsync(TestChatClient sender, TestChatClient witness, TestChatClient removed, string roomId, string markerRoom)
    {
        var after = await sender.SendAsync(roomId, "after the removal");
        var seq = after.GetProperty("seq").GetInt64();
        await witness.WaitForAsync("message", p => Str(p, "roomId") == roomId && p.GetProperty("seq").GetInt64() == seq);
        var marker = await sender.SendAsync(markerRoom, "marker");
        await removed.WaitForAsync("message", p => Str(p, "roomId") == markerRoom && p.GetProperty("seq").GetInt64() == marker.GetProperty("seq").GetInt64());
        Assert.DoesNotContain(removed.ReceivedMessages(roomId), m => m.GetProperty("seq").GetInt64() == seq);
    }

    internal static async Task<HubException> Refused(Task call, string word)
    {
        var error = await Assert.ThrowsAsync<HubException>(() => call);
        Assert.Contains(word, error.Message);
        return error;
    }

    internal static string? Str(JsonElement element, string name) => element.GetProperty(name).GetString();

    private static async Task JoinAllAsync(string roomId, params TestChatClient[] clients)
    {
        foreach (var client in clients)
        {
            await client.JoinAsync(roomId);
        }
    }

    private Task<TestChatClient> ConnectAsync(string hint) => TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User(hint));
}
