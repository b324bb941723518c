using Orleans.Concurrency;

namespace OrleansChat.Rooms;

/// <summary>
/// The room grain's moderation methods. The room decides every role check, ban, mute and invite;
/// <paramref name="by"/> / the first user id is always the caller as the hub authenticated it.
/// Refusals are <see cref="Messages.ChatException"/>s whose message carries the contract's word
/// ("not allowed", "invite-only", "banned", "muted", "does not accept", "already exists").
/// </summary>
[Alias("chat.IRoomModeration")]
public interface IRoomModeration : IGrainWithStringKey
{
    /// <summary>Creates a public room with the caller as owner and member; refused if the room exists.</summary>
    [Alias("Create")]
    Task<RoomInfo> Create(string userId, RoomSettings settings);

    /// <summary>Members, and anyone for a public room; a non-member of an invite-only room learns only that.</summary>
    [ReadOnly, Alias("GetRoom")]
    Task<RoomInfo> GetRoom(string userId);

    [Alias("Update")]
    Task<RoomInfo> Update(string by, RoomSettings settings);

    [Alias("Invite")]
    Task Invite(string by, string userId);

    [Alias("SetRole")]
    Task SetRole(string by, string userId, string role);

    /// <summary>Returns once every node that answers in time has stopped routing the room to the user's connections.</summary>
    [Alias("Kick")]
    Task Kick(string by, string userId, string? reason);

    /// <summary>A kick that also refuses joins and invites; <paramref name="seconds"/> 0 = until unbanned.</summary>
    [Alias("Ban")]
    Task Ban(string by, string userId, long seconds, string? reason);

    [Alias("Unban")]
    Task Unban(string by, string userId);

    /// <summary><paramref name="seconds"/> 0 = until unmuted.</summary>
    [Alias("Mute")]
    Task Mute(string by, string userId, long seconds);

    [Alias("Unmute")]
    Task Unmute(string by, string userId);

    /// <summary>Direct rooms only, called by the blocker's user grain: the other user's sends here are refused while set.</summary>
    [Alias("SetBlocked")]
    Task SetBlocked(string blockerId, bool blocked);
}
