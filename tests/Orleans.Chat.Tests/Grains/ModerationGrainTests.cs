using OrleansChat.Messages;
using OrleansChat.Nodes;
using OrleansChat.Rooms;
using OrleansChat.Tests.Infrastructure;
using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Users;

namespace OrleansChat.Tests.Grains;

/// <summary>The room grain decides roles, invitations, kicks, bans and mutes; the user grain holds blocks.</summary>
[Collection(ChatClusterCollection.Name)]
public sealed class ModerationGrainTests(ChatClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task The_first_joiner_owns_a_new_room_and_later_joiners_are_members()
    {
        var room = Grains.GetGrain<IRoomGrain>(TestIds.Room());
        var (alice, bob) = (TestIds.User("alice"), TestIds.User("bob"));

        var first = await room.Join(alice).WaitAsync(TestIds.Timeout);
        var second = await room.Join(bob).WaitAsync(TestIds.Timeout);

        Assert.Equal(RoomRoles.Owner, first.Role);
        Assert.Equal(RoomRoles.Member, second.Role);
        var info = await room.GetRoom(bob).WaitAsync(TestIds.Timeout);
        Assert.Equal(alice, info.Owner);
        Assert.Empty(info.Moderators);
        Assert.Equal(2, info.MemberCount);
    }

    [Fact]
    public async Task Creating_an_existing_room_is_refused_as_already_existing()
    {
        var roomId = TestIds.Room();
        var alice = Grains.GetGrain<IUserGrain>(TestIds.User("alice"));
        var created = await alice.CreateRoom(roomId, new RoomSettings("Team", InviteOnly: true)).WaitAsync(TestIds.Timeout);

        Assert.Equal("Team", created.Title);
        Assert.True(created.InviteOnly);
        Assert.Equal(alice.GetPrimaryKeyString(), created.Owner);
        Assert.Contains(roomId, await alice.RoomIds());
        var again = await Assert.ThrowsAsync<ChatException>(() => Grains.GetGrain<IUserGrain>(TestIds.User("bob")).CreateRoom(roomId, new RoomSettings()).WaitAsync(TestIds.Timeout));
        Assert.Contains("already exists", again.Message);
    }

    [Fact]
    public async Task An_invite_only_room_tells_strangers_only_that_and_lets_in_the_invited()
    {
        var roomId = TestIds.Room();
        var (owner, stranger) = (TestIds.User("owner"), TestIds.User("stranger"));
        await Grains.GetGrain<IUserGrain>(owner).CreateRoom(roomId, new RoomSettings("Secret plans", InviteOnly: true)).WaitAsync(TestIds.Timeout);
        var room = Grains.GetGrain<IRoomGrain>(roomId);

        var peek = await Assert.ThrowsAsync<ChatException>(() => room.GetRoom(stranger).WaitAsync(TestIds.Timeout));
        var join = await Assert.ThrowsAsync<ChatException>(() => room.Join(stranger).WaitAsync(TestIds.Timeout));
        await Assert.ThrowsAsync<ChatException>(() => room.GetHistory(stranger, 0, 10).WaitAsync(TestIds.Timeout));
        await Assert.ThrowsAsync<ChatException>(() => room.GetPresence(stranger, 10).WaitAsync(TestIds.Timeout));

        Assert.Equal($"room {roomId} is invite-only", peek.Message);
        Assert.DoesNotContain("Secret", peek.Message);
        Assert.Contains("invite-only", join.Message);

        await room.Invite(owner, stranger).WaitAsync(TestIds.Timeout);
        var joined = await room.Join(stranger).WaitAsync(TestIds.Timeout);
        Assert.Equal(RoomRoles.Member, joined.Role);
        Assert.Equal("Secret plans", (await room.GetRoom(stranger)).Title);
    }

    [Fact]
    public async Task Members_may_not_moderate_and_moderators_act_only_on_members()
    {
        var (room, owner, members) = await RoomWithMembersAsync(3);
        var (mod, mod2, plain) = (members[0], members[1], members[2]);

        var byMember = await Assert.ThrowsAsync<ChatException>(() => room.Kick(plain, mod, "no").WaitAsync(TestIds.Timeout));
        Assert.Contains("not allowed", byMember.Message);
        var promoteByMember = await Assert.ThrowsAsync<ChatException>(() => room.SetRole(plain, plain, RoomRoles.Moderator).WaitAsync(TestIds.Timeout));
        Assert.Contains("not allowed", promoteByMember.Message);

        await room.SetRole(owner, mod, RoomRoles.Moderator).WaitAsync(TestIds.Timeout);
        await room.SetRole(owner, mod2, RoomRoles.Moderator).WaitAsync(TestIds.Timeout);
        var onModerator = await Assert.ThrowsAsync<ChatException>(() => room.Mute(mod, mod2, 0).WaitAsync(TestIds.Timeout));
        var onOwner = await Assert.ThrowsAsync<ChatException>(() => room.Kick(mod, owner, null).WaitAsync(TestIds.Timeout));
        var onSelf = await Assert.ThrowsAsync<ChatException>(() => room.Ban(owner, owner, 0, null).WaitAsync(TestIds.Timeout));
        var moderatorPromotes = await Assert.ThrowsAsync<ChatException>(() => room.SetRole(mod, plain, RoomRoles.Moderator).WaitAsync(TestIds.Timeout));
        Assert.All([onModerator, onOwner, onSelf, moderatorPromotes], e => Assert.Contains("not allowed", e.Message));

        await room.Kick(mod, plain, "spam").WaitAsync(TestIds.Timeout);
        Assert.False(await room.IsMember(plain));
        await room.Kick(owner, mod2, "owner may").WaitAsync(TestIds.Timeout);
        Assert.False(await room.IsMember(mod2));
    }

    [Fact]
    public async Task Handing_over_ownership_makes_the_old_owner_a_moderator()
    {
        var (room, owner, members) = await RoomWithMembersAsync(1);

        await room.SetRole(owner, members[0], RoomRoles.Owner).WaitAsync(TestIds.Timeout);

        var info = await room.GetRoom(owner).WaitAsync(TestIds.Timeout);
        Assert.Equal(members[0], info.Owner);
        Assert.Equal([owner], info.Moderators);
        var oldOwnerNow = await Assert.ThrowsAsync<ChatException>(() => room.Update(owner, new RoomSettings("mine")).WaitAsync(TestIds.Timeout));
        Assert.Contains("not allowed", oldOwnerNow.Message);
    }

    [Fact]
    public async Task A_kicked_user_leaves_the_room_on_every_node_with_the_notice_first_and_may_rejoin_a_public_room()
    {
        var (room, owner, members) = await RoomWithMembersAsync(1);
        var target = members[0];
        var user = Grains.GetGrain<IUserGrain>(target);
        await user.JoinRoom(room.GetPrimaryKeyString()).WaitAsync(TestIds.Timeout);
        var (nodeA, nodeB) = (new FakeNode(), new FakeNode());
        await user.Connect("a-" + Guid.NewGuid().ToString("N"), fixture.Cluster.Client.CreateObjectReference<IChatNode>(nodeA), "c1").WaitAsync(TestIds.Timeout);
        await user.Connect("b-" + Guid.NewGuid().ToString("N"), fixture.Cluster.Client.CreateObjectReference<IChatNode>(nodeB), "c2").WaitAsync(TestIds.Timeout);

        await room.Kick(owner, target, "flooding").WaitAsync(TestIds.Timeout);

        // Both nodes heard of it before Kick returned: awaited calls, not one-way.
        foreach (var node in new[] { nodeA, nodeB })
        {
            var (userId, notice) = Assert.Single(node.UserNotices);
            Assert.Equal(target, userId);
            var kicked = Assert.IsType<MemberKickedEvent>(notice);
            Assert.Equal((owner, "flooding"), (kicked.By, kicked.Reason));
            Assert.DoesNotContain(room.GetPrimaryKeyString(), node.RoomLists.Last().Rooms.Rooms);
        }

        Assert.DoesNotContain(room.GetPrimaryKeyString(), await user.RoomIds());
        await Assert.ThrowsAsync<ChatException>(() => room.Send(target, "c", "still here?").WaitAsync(TestIds.Timeout));
        Assert.Equal(RoomRoles.Member, (await user.JoinRoom(room.GetPrimaryKeyString()).WaitAsync(TestIds.Timeout)).Role);
    }

    [Fact]
    public async Task A_ban_refuses_joins_and_invites_until_unbanned()
    {
        var (room, owner, members) = await RoomWithMembersAsync(2);
        var (target, mod) = (members[0], members[1]);
        await room.SetRole(owner, mod, RoomRoles.Moderator).WaitAsync(TestIds.Timeout);

        await room.Ban(mod, target, 0, "abuse").WaitAsync(TestIds.Timeout);

        var join = await Assert.ThrowsAsync<ChatException>(() => room.Join(target).WaitAsync(TestIds.Timeout));
        var invite = await Assert.ThrowsAsync<ChatException>(() => room.Invite(owner, target).WaitAsync(TestIds.Timeout));
        Assert.Contains("banned", join.Message);
        Assert.Contains("banned", invite.Message);

        await room.Unban(mod, target).WaitAsync(TestIds.Timeout);
        await room.Join(target).WaitAsync(TestIds.Timeout);
    }

    [Fact]
    public async Task A_muted_member_cannot_send_or_edit_until_unmuted()
    {
        var (room, owner, members) = await RoomWithMembersAsync(1);
        var target = members[0];
        var before = await room.Send(target, "m0", "before the mute").WaitAsync(TestIds.Timeout);

        await room.Mute(owner, target, 600).WaitAsync(TestIds.Timeout);

        var send = await Assert.ThrowsAsync<ChatException>(() => room.Send(target, "m1", "let me speak").WaitAsync(TestIds.Timeout));
        var edit = await Assert.ThrowsAsync<ChatException>(() => room.Edit(target, before.Seq, "changed").WaitAsync(TestIds.Timeout));
        Assert.Contains("muted", send.Message);
        Assert.Contains("muted", edit.Message);
        Assert.Equal(1, await room.GetLastSeq());

        await room.Unmute(owner, target).WaitAsync(TestIds.Timeout);
        Assert.Equal(2, (await room.Send(target, "m1", "thanks").WaitAsync(TestIds.Timeout)).Seq);
    }

    [Fact]
    public async Task Every_moderation_action_reaches_the_room_event_stream()
    {
        var (room, owner, members) = await RoomWithMembersAsync(3);
        await room.Update(owner, new RoomSettings("renamed")).WaitAsync(TestIds.Timeout);
        await room.Invite(owner, TestIds.User("guest")).WaitAsync(TestIds.Timeout);
        await room.SetRole(owner, members[0], RoomRoles.Moderator).WaitAsync(TestIds.Timeout);
        await room.Mute(owner, members[1], 60).WaitAsync(TestIds.Timeout);
        await room.Unmute(owner, members[1]).WaitAsync(TestIds.Timeout);
        await room.Kick(owner, members[1], "k").WaitAsync(TestIds.Timeout);
        await room.Ban(owner, members[2], 60, "b").WaitAsync(TestIds.Timeout);
        await room.Unban(owner, members[2]).WaitAsync(TestIds.Timeout);

        var activity = Grains.GetGrain<IRoomActivityGrain>(room.GetPrimaryKeyString());
        await Poll.UntilAsync(async () => (await activity.GetActivity()).ModerationActions >= 8, TestIds.Timeout, () => "the stream did not carry every moderation action");
        var counted = await activity.GetActivity();
        Assert.Equal(8, counted.ModerationActions);
        Assert.Equal(2, counted.Members);
    }

    [Fact]
    public async Task A_blocked_user_cannot_message_the_blocker_or_bring_them_back_into_the_conversation()
    {
        var (alice, bob) = (TestIds.User("alice"), TestIds.User("bob"));
        var dm = Grains.GetGrain<IRoomGrain>(ChatLimits.DirectRoomId(alice, bob));
        var aliceGrain = Grains.GetGrain<IUserGrain>(alice);
        await aliceGrain.JoinRoom(dm.GetPrimaryKeyString()).WaitAsync(TestIds.Timeout);
        await Grains.GetGrain<IUserGrain>(bob).JoinRoom(dm.GetPrimaryKeyString()).WaitAsync(TestIds.Timeout);
        await dm.Send(bob, "b1", "hi").WaitAsync(TestIds.Timeout);

        await aliceGrain.Block(bob).WaitAsync(TestIds.Timeout);
        await aliceGrain.LeaveRoom(dm.GetPrimaryKeyString()).WaitAsync(TestIds.Timeout);

        var refused = await Assert.ThrowsAsync<ChatException>(() => dm.Send(bob, "b2", "why?").WaitAsync(TestIds.Timeout));
        Assert.Contains("does not accept", refused.Message);
        Assert.False(await dm.IsMember(alice));
        Assert.Equal([bob], await aliceGrain.GetBlocked());

        await aliceGrain.Unblock(bob).WaitAsync(TestIds.Timeout);
        Assert.Empty(await aliceGrain.GetBlocked());
        await aliceGrain.JoinRoom(dm.GetPrimaryKeyString()).WaitAsync(TestIds.Timeout);
        Assert.Equal(2, (await dm.Send(bob, "b2", "friends again").WaitAsync(TestIds.Timeout)).Seq);
    }

    /// <summary>A room whose first joiner (the owner) is followed by <paramref name="count"/> members.</summary>
    private async Task<(IRoomGrain Room, string Owner, List<string> Members)> RoomWithMembersAsync(int count)
    {
        var room = Grains.GetGrain<IRoomGrain>(TestIds.Room());
        var owner = TestIds.User("owner");
        await room.Join(owner).WaitAsync(TestIds.Timeout);
        var members = Enumerable.Range(0, count).Select(i => TestIds.User($"m{i}")).ToList();
        foreach (var member in members)
        {
            await room.Join(member).WaitAsync(TestIds.Timeout);
        }

        return (room, owner, members);
    }
}
