using OrleansChat.Grains.Rooms;
using OrleansChat.Messages;
using OrleansChat.Rooms;

namespace OrleansChat.Tests.Unit;

/// <summary>The room's rules on its state alone: owners of rooms stored before roles, and restrictions that expire.</summary>
public sealed class RoomRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_room_stored_before_owners_is_owned_by_its_moderator_still_in_it()
    {
        var state = new RoomState { Members = ["bob", "carol"], Moderators = ["alice", "carol"], CreatedAt = Now };

        Assert.True(RoomRules.AdoptOwner(state, "general"));

        Assert.Equal("carol", state.Owner);
        Assert.Equal(["alice"], state.Moderators);
        Assert.False(RoomRules.AdoptOwner(state, "general"));
    }

    [Fact]
    public void Without_a_moderator_in_it_the_first_member_to_act_becomes_owner()
    {
        var state = new RoomState { Members = ["bob", "carol"], Moderators = ["alice"], CreatedAt = Now };

        Assert.False(RoomRules.AdoptOwner(state, "general"));
        Assert.False(RoomRules.ClaimOwner(state, "general", "stranger"));
        Assert.True(RoomRules.ClaimOwner(state, "general", "carol"));
        Assert.False(RoomRules.ClaimOwner(state, "general", "bob"));

        Assert.Equal("carol", state.Owner);
    }

    [Fact]
    public void Direct_rooms_get_no_owner_and_cannot_be_moderated()
    {
        var state = new RoomState { Members = ["a", "b"], Moderators = ["a"], CreatedAt = Now };

        Assert.False(RoomRules.AdoptOwner(state, "dm:a:b"));
        Assert.False(RoomRules.ClaimOwner(state, "dm:a:b", "a"));
        Assert.Null(RoomRules.RoleOf(state, "dm:a:b", "a"));
        var refused = Assert.Throws<ChatException>(() => RoomRules.EnsureMayActOn(state, "dm:a:b", "a", "b", "kick"));
        Assert.Contains("not allowed", refused.Message);
    }

    [Fact]
    public void A_timed_ban_refuses_joins_until_it_expires_and_a_permanent_one_until_lifted()
    {
        var state = new RoomState { Members = ["owner"], Owner = "owner", CreatedAt = Now };
        state.Bans["timed"] = new Restriction { By = "owner", Until = Now.AddMinutes(5) };
        state.Bans["forever"] = new Restriction { By = "owner" };

        var timed = Assert.Throws<ChatException>(() => RoomRules.EnsureMayJoin(state, "r", "timed", Now));
        Assert.Contains("banned", timed.Message);
        Assert.Contains("until 2026-12-08T12:05:00Z", timed.Message);
        RoomRules.EnsureMayJoin(state, "r", "timed", Now.AddMinutes(5));
        Assert.Contains("until lifted", Assert.Throws<ChatException>(() => RoomRules.EnsureMayJoin(state, "r", "forever", Now.AddYears(20))).Message);
    }

    [Fact]
    public void A_mute_expires_on_its_own()
    {
        var state = new RoomState { Members = ["owner", "m"], Owner = "owner", CreatedAt = Now };
        state.Mutes["m"] = new Restriction { By = "owner", Until = Now.AddSeconds(30) };

        Assert.Contains("muted", Assert.Throws<ChatException>(() => RoomRules.EnsureNotMuted(state, "r", "m", Now.AddSeconds(29))).Message);
        RoomRules.EnsureNotMuted(state, "r", "m", Now.AddSeconds(30));
    }

    [Fact]
    public void An_invite_only_room_lets_in_the_invited_and_those_with_a_role()
    {
        var state = new RoomState { Members = ["owner"], Owner = "owner", Moderators = ["mod"], Invited = ["guest"], InviteOnly = true, CreatedAt = Now };

        RoomRules.EnsureMayJoin(state, "r", "guest", Now);
        RoomRules.EnsureMayJoin(state, "r", "mod", Now);
        RoomRules.EnsureMayJoin(state, "r", "owner", Now);
        Assert.Equal("room r is invite-only", Assert.Throws<ChatException>(() => RoomRules.EnsureMayJoin(state, "r", "stranger", Now)).Message);
    }

    [Fact]
    public void Only_the_blocked_side_of_a_direct_room_is_refused()
    {
        var state = new RoomState { Members = ["a", "b"], BlockedBy = ["a"], CreatedAt = Now };

        Assert.Contains("does not accept", Assert.Throws<ChatException>(() => RoomRules.EnsureAccepted(state, "dm:a:b", "b")).Message);
        RoomRules.EnsureAccepted(state, "dm:a:b", "a");
    }

    [Fact]
    public void Role_names_are_the_contracts()
    {
        Assert.Equal(["member", "moderator", "owner"], new[] { RoomRoles.Owner, RoomRoles.Moderator, RoomRoles.Member }.Order());
        Assert.Throws<ChatException>(() => ModerationLimits.EnsureRole("admin"));
    }
}
