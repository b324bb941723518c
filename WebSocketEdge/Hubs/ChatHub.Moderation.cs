using OrleansChat.Messages;
using OrleansChat.Rooms;
using OrleansChat.Users;

namespace OrleansChat.Edge.Hubs;

/// <summary>
/// The contract's moderation and private-room methods. The hub only checks input and the caller's
/// action budget; the room grain decides every role check, ban, mute and invite, the user grain
/// holds blocks. Each call is one grain call.
/// </summary>
public sealed partial class ChatHub
{
    public Task<RoomInfo> CreateRoom(string roomId, RoomSettings? settings)
    {
        ChatLimits.EnsureRoomId(roomId);
        ModerationLimits.EnsureTitle(settings?.Title);
        TakeActionToken();
        return grains.GetGrain<IUserGrain>(UserId).CreateRoom(roomId, settings ?? new RoomSettings());
    }

    public Task<RoomInfo> GetRoom(string roomId)
    {
        ChatLimits.EnsureRoomId(roomId);
        TakeReadToken();
        return grains.GetGrain<IRoomGrain>(roomId).GetRoom(UserId);
    }

    public Task<RoomInfo> UpdateRoom(string roomId, RoomSettings? settings)
    {
        ChatLimits.EnsureRoomId(roomId);
        ModerationLimits.EnsureTitle(settings?.Title);
        TakeActionToken();
        return grains.GetGrain<IRoomGrain>(roomId).Update(UserId, settings ?? new RoomSettings());
    }

    public Task Invite(string roomId, string userId) => Moderate(roomId, userId, room => room.Invite(UserId, userId));

    public Task SetRole(string roomId, string userId, string role)
    {
        ModerationLimits.EnsureRole(role);
        return Moderate(roomId, userId, room => room.SetRole(UserId, userId, role));
    }

    public Task Kick(string roomId, string userId, string? reason)
    {
        ModerationLimits.EnsureReason(reason);
        return Moderate(roomId, userId, room => room.Kick(UserId, userId, reason));
    }

    public Task Ban(string roomId, string userId, long seconds, string? reason)
    {
        ModerationLimits.EnsureSeconds(seconds);
        ModerationLimits.EnsureReason(reason);
        return Moderate(roomId, userId, room => room.Ban(UserId, userId, seconds, reason));
    }

    public Task Unban(string roomId, string userId) => Moderate(roomId, userId, room => room.Unban(UserId, userId));

    public Task Mute(string roomId, string userId, long seconds)
    {
        ModerationLimits.EnsureSeconds(seconds);
        return Moderate(roomId, userId, room => room.Mute(UserId, userId, seconds));
    }

    public Task Unmute(string roomId, string userId) => Moderate(roomId, userId, room => room.Unmute(UserId, userId));

    public Task Block(string userId)
    {
        ChatLimits.EnsureUserId(userId);
        TakeActionToken();
        return grains.GetGrain<IUserGrain>(UserId).Block(userId);
    }

    public Task Unblock(string userId)
    {
        ChatLimits.EnsureUserId(userId);
        TakeActionToken();
        return grains.GetGrain<IUserGrain>(UserId).Unblock(userId);
    }

    public Task<IReadOnlyList<string>> GetBlocked()
    {
        TakeReadToken();
        return grains.GetGrain<IUserGrain>(UserId).GetBlocked();
    }

    private Task Moderate(string roomId, string userId, Func<IRoomGrain, Task> action)
    {
        ChatLimits.EnsureRoomId(roomId);
        ChatLimits.EnsureUserId(userId);
        TakeActionToken();
        return action(grains.GetGrain<IRoomGrain>(roomId));
    }
}
