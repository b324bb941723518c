using OrleansChat.Messages;
using OrleansChat.Rooms;

namespace OrleansChat.Grains.Rooms;

/// <summary>
/// Who may do what in a room, decided on the room's state alone (pure, so the rules are tested
/// without a silo). Public rooms have one owner, moderators and members; a moderator acts only on
/// members, the owner on everyone but itself. Direct rooms have no roles, so nobody moderates them.
/// </summary>
internal static class RoomRules
{
    public static string? RoleOf(RoomState state, string roomId, string userId) =>
        ChatLimits.IsDirectRoom(roomId) ? null
        : state.Owner == userId ? RoomRoles.Owner
        : state.Moderators.Contains(userId) ? RoomRoles.Moderator
        : RoomRoles.Member;

    public static bool IsOwnerOrModerator(RoomState state, string userId) =>
        state.Owner == userId || state.Moderators.Contains(userId);

    /// <summary>The owner or a moderator, acting on <paramref name="target"/>: not on itself, not on the owner, a moderator not on another moderator.</summary>
    public static void EnsureMayActOn(RoomState state, string roomId, string by, string target, string action)
    {
        EnsureModerator(state, roomId, by, action);
        if (target == by)
        {
            throw NotAllowed($"you cannot {action} yourself");
        }

        if (state.Owner == target)
        {
            throw NotAllowed($"the owner of room {roomId} cannot be the target of {action}");
        }

        if (state.Owner != by && state.Moderators.Contains(target))
        {
            throw NotAllowed($"a moderator may {action} only members; {target} is a moderator of room {roomId}");
        }
    }

    public static void EnsureModerator(RoomState state, string roomId, string by, string action)
    {
        EnsureHasRoles(roomId);
        if (!IsOwnerOrModerator(state, by))
        {
            throw NotAllowed($"only the owner or a moderator of room {roomId} may {action}");
        }
    }

    public static void EnsureOwner(RoomState state, string roomId, string by, string action)
    {
        EnsureHasRoles(roomId);
        if (state.Owner != by)
        {
            throw NotAllowed($"only the owner of room {roomId} may {action}");
        }
    }

    /// <summary>Joining, unless banned; an invite-only room also needs an invitation or a role.</summary>
    public static void EnsureMayJoin(RoomState state, string roomId, string userId, DateTimeOffset now)
    {
        if (ActiveRestriction(state.Bans, userId, now) is { } ban)
        {
            throw new ChatException($"you are banned from room {roomId}{Until(ban.Until)}", ChatErrorCode.Forbidden);
        }

        if (state.InviteOnly && !state.Invited.Contains(userId) && !IsOwnerOrModerator(state, userId))
        {
            throw InviteOnly(roomId);
        }
    }

    public static void EnsureNotMuted(RoomState state, string roomId, string userId, DateTimeOffset now)
    {
        if (state.Mutes.Count > 0 && ActiveRestriction(state.Mutes, userId, now) is { } mute)
        {
            throw new ChatException($"you are muted in room {roomId}{Until(mute.Until)}", ChatErrorCode.Forbidden);
        }
    }

    /// <summary>In a direct room, whether the other of the two users blocks <paramref name="senderId"/>.</summary>
    public static void EnsureAccepted(RoomState state, string roomId, string senderId)
    {
        if (state.BlockedBy.Count > 0
            && ChatLimits.TryParseDirectRoom(roomId, out var a, out var b)
            && (senderId == a || senderId == b))
        {
            var other = senderId == a ? b : a;
            if (state.BlockedBy.Contains(other))
            {
                throw new ChatException($"user {other} does not accept direct messages from you", ChatErrorCode.Forbidden);
            }
        }
    }

    /// <summary>The restriction in force, if any; an expired one counts as none.</summary>
    public static Restriction? ActiveRestriction(Dictionary<string, Restriction> restrictions, string userId, DateTimeOffset now) =>
        restrictions.TryGetValue(userId, out var restriction) && restriction.IsActive(now) ? restriction : null;

    /// <summary>
    /// A room stored before owners existed holds its creator among the moderators. Its owner becomes
    /// the moderator still in the room (the first by id if several); true if the state changed.
    /// </summary>
    public static bool AdoptOwner(RoomState state, string roomId)
    {
        if (ChatLimits.IsDirectRoom(roomId) || state.Owner is not null || state.CreatedAt is null)
        {
            return false;
        }

        var owner = state.Moderators.Where(state.Members.Contains).Order(StringComparer.Ordinal).FirstOrDefault();
        if (owner is null)
        {
            return false;
        }

        state.Owner = owner;
        state.Moderators.Remove(owner);
        return true;
    }

    /// <summary>A room still without an owner (no moderator of it was left in it) goes to the first member who acts in it.</summary>
    public static bool ClaimOwner(RoomState state, string roomId, string userId)
    {
        if (!MayClaimOwner(state, roomId, userId))
        {
            return false;
        }

        state.Owner = userId;
        state.Moderators.Remove(userId);
        return true;
    }

    public static bool MayClaimOwner(RoomState state, string roomId, string userId) =>
        !ChatLimits.IsDirectRoom(roomId) && state.Owner is null && state.CreatedAt is not null && state.Members.Contains(userId);

    public static ChatException InviteOnly(string roomId) => new($"room {roomId} is invite-only", ChatErrorCode.Forbidden);

    private static void EnsureHasRoles(string roomId)
    {
        if (ChatLimits.IsDirectRoom(roomId))
        {
            throw NotAllowed($"direct room {roomId} has no roles and cannot be moderated");
        }
    }

    private static ChatException NotAllowed(string what) => new($"not allowed: {what}", ChatErrorCode.Forbidden);

    private static string Until(DateTimeOffset? until) =>
        until is { } u ? $" until {u.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)}" : " until lifted";
}
