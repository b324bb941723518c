using Microsoft.Extensions.Logging;
using OrleansChat.Grains.Membership;
using OrleansChat.Messages;
using OrleansChat.Rooms;

namespace OrleansChat.Grains.Users;

/// <summary>
/// The user's side of moderation: rooms the user creates, removals a room imposes on the user,
/// notices for the user alone, and the user's block list.
/// </summary>
public sealed partial class UserGrain
{
    /// <summary>Enough for any person; keeps a user's state small however a client loops.</summary>
    public const int MaxBlocked = 1000;

    /// <summary>
    /// <see cref="RemovedFromRoom"/> interleaves with this grain's other calls, so two state writes
    /// could otherwise overlap and the second fail on the first's etag. Writes go one at a time.
    /// </summary>
    private readonly SemaphoreSlim _writes = new(1, 1);

    public async Task<RoomInfo> CreateRoom(string roomId, RoomSettings settings)
    {
        ChatLimits.EnsureRoomId(roomId);
        if (!state.State.Rooms.Contains(roomId))
        {
            EnsureRoomForOneMore(roomId);
        }

        var info = await GrainFactory.GetGrain<IRoomGrain>(roomId).Create(UserId, settings);
        await AddRoomAsync(roomId, info.LastSeq);
        return info;
    }

    public async Task RemovedFromRoom(string roomId, RoomEvent notice)
    {
        ChatLimits.EnsureRoomId(roomId);
        await ForgetRoomAsync(roomId);
        if (_connections.Count == 0)
        {
            return;
        }

        var userId = UserId;
        var rooms = CurrentRooms();
        try
        {
            await Task.WhenAll(_connections.Values.Select(c => c.Node.RemoveFromRoom(userId, rooms, notice))).WaitAsync(NodeCallTimeout);
        }
        catch (Exception ex)
        {
            // The removal is stored and the room refuses the user; a node that did not answer in
            // time (killed, or not yet declared dead) loses its clients, who get the new list on reconnect.
            LogNodeNotRouted(logger, userId, ex.Message);
        }
    }

    public Task Notify(RoomEvent notice)
    {
        var userId = UserId;
        foreach (var (node, _) in _connections.Values)
        {
            // One-way: an invitation is a courtesy, and a slow node must not hold up this grain.
            node.OnUserEvent(userId, notice).Ignore();
        }

        return Task.CompletedTask;
    }

    public async Task Block(string userId)
    {
        ChatLimits.EnsureUserId(userId);
        if (userId == UserId)
        {
            throw new ChatException("you cannot block yourself");
        }

        if (state.State.Blocked.Add(userId))
        {
            if (state.State.Blocked.Count > MaxBlocked)
            {
                state.State.Blocked.Remove(userId);
                throw new ChatException($"you already block the maximum of {MaxBlocked} users; unblock one first", ChatErrorCode.LimitReached);
            }

            await WriteOrUndoAsync(() => state.State.Blocked.Remove(userId));
            LogBlocked(logger, UserId, userId, true);
        }

        // Also on a repeat: a previous call may have stored the block here but not in the room.
        await GrainFactory.GetGrain<IRoomGrain>(ChatLimits.DirectRoomId(UserId, userId)).SetBlocked(UserId, true);
    }

    public async Task Unblock(string userId)
    {
        ChatLimits.EnsureUserId(userId);
        if (state.State.Blocked.Remove(userId))
        {
            await WriteOrUndoAsync(() => state.State.Blocked.Add(userId));
            LogBlocked(logger, UserId, userId, false);
        }

        if (userId != UserId)
        {
            await GrainFactory.GetGrain<IRoomGrain>(ChatLimits.DirectRoomId(UserId, userId)).SetBlocked(UserId, false);
        }
    }

    public Task<IReadOnlyList<string>> GetBlocked()
    {
        IReadOnlyList<string> blocked = state.State.Blocked.Order(StringComparer.Ordinal).ToList();
        return Task.FromResult(blocked);
    }

    private async Task WriteOrUndoAsync(Action undo)
    {
        await _writes.WaitAsync();
        try
        {
            await state.WriteOrUndoAsync(undo);
        }
        finally
        {
            _writes.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} set the block of {Other} to {Blocked}")]
    private static partial void LogBlocked(ILogger logger, string userId, string other, bool blocked);
}
