using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using OrleansChat.Edge.Hosting;
using OrleansChat.Edge.RateLimiting;
using OrleansChat.Edge.Routing;
using OrleansChat.Messages;
using OrleansChat.Rooms;
using OrleansChat.Users;

namespace OrleansChat.Edge.Hubs;

/// <summary>
/// The client contract's hub. It checks input, then hands each call to one grain; rooms and users
/// do the work, <see cref="ChatNode"/> does the routing. <see cref="ChatErrorFilter"/> turns refusals
/// into <see cref="HubException"/>s with the reason.
/// </summary>
[Authorize]
public sealed partial class ChatHub(IGrainFactory grains, ChatNode node, UserRateLimiter limiter, DirectRoomJoins directJoins, TypingThrottle typing, RoomList roomList, ConnectAdmission admission) : Hub
{
    private const int MaxPresenceMembers = 500;

    private string UserId => Context.UserIdentifier ?? throw new HubException("the token names no user");

    /// <summary>Runs when <see cref="ConnectAdmission"/> gives the connection its turn: a storm of connects is served at the rate the node can take.</summary>
    public override Task OnConnectedAsync() =>
        admission.RunAsync(Context.GetHttpContext(), () => node.ConnectAsync(UserId, Context.ConnectionId), Context.ConnectionAborted);

    public override Task OnDisconnectedAsync(Exception? exception) => node.DisconnectAsync(UserId, Context.ConnectionId);

    public async Task<JoinRoomResult> JoinRoom(string roomId)
    {
        ChatLimits.EnsureRoomId(roomId);
        TakeActionToken();
        // Returns once every node holding the user's connections, this one included, routes them to the room.
        var result = await node.JoinAsync(UserId, roomId);
        return new JoinRoomResult(result.RoomId, result.LastSeq, result.Members, result.Role);
    }

    public async Task LeaveRoom(string roomId)
    {
        ChatLimits.EnsureRoomId(roomId);
        TakeActionToken();
        await grains.GetGrain<IUserGrain>(UserId).LeaveRoom(roomId);
    }

    public Task<ChatMessage> SendMessage(string roomId, string clientMsgId, string text)
    {
        ChatLimits.EnsureRoomId(roomId);
        CheckMessage(clientMsgId, text);
        TakeSendToken();
        return node.SendAsync(grains.GetGrain<IRoomGrain>(roomId), UserId, clientMsgId, text, Context.ConnectionAborted);
    }

    public async Task<ChatMessage> SendDirect(string toUserId, string clientMsgId, string text)
    {
        ChatLimits.EnsureUserId(toUserId);
        if (toUserId == UserId)
        {
            throw new ChatException("a direct message needs another user");
        }

        CheckMessage(clientMsgId, text);
        TakeSendToken();
        var roomId = ChatLimits.DirectRoomId(UserId, toUserId);
        var room = grains.GetGrain<IRoomGrain>(roomId);
        try
        {
            return await node.SendAsync(room, UserId, clientMsgId, text, Context.ConnectionAborted);
        }
        catch (ChatException ex) when (ex.Code is ChatErrorCode.NotMember or ChatErrorCode.DirectRoomIncomplete)
        {
            // First message between the two (or one of them left): whoever is missing becomes a
            // member, then the message goes. The sender's next messages, arriving meanwhile, wait
            // for the same joins instead of starting them again.
            await directJoins.JoinAsync(UserId, toUserId, roomId, senderIsMember: ex.Code is ChatErrorCode.DirectRoomIncomplete);
            return await node.SendAsync(room, UserId, clientMsgId, text, Context.ConnectionAborted);
        }
    }

    public Task<IReadOnlyList<ChatMessage>> GetHistory(string roomId, long? beforeSeq, int limit)
    {
        ChatLimits.EnsureRoomId(roomId);
        ChatLimits.EnsureHistoryLimit(limit);
        TakeReadToken();
        return grains.GetGrain<IRoomGrain>(roomId).GetHistory(UserId, beforeSeq ?? 0, limit);
    }

    public Task<IReadOnlyList<ChatMessage>> Resume(string roomId, long afterSeq)
    {
        ChatLimits.EnsureRoomId(roomId);
        TakeReadToken();
        return grains.GetGrain<IRoomGrain>(roomId).Resume(UserId, afterSeq);
    }

    /// <summary>Reaches the room at most once per <see cref="TypingThrottle.Interval"/> per user and room; the others are answered at once.</summary>
    public async Task Typing(string roomId)
    {
        ChatLimits.EnsureRoomId(roomId);
        TakeActionToken();
        if (!typing.ShouldPass(UserId, roomId))
        {
            return;
        }

        try
        {
            await grains.GetGrain<IRoomGrain>(roomId).Typing(UserId);
        }
        catch (ChatException)
        {
            // A refused notice (not a member) did not reach the room: the next call is checked again.
            typing.Forget(UserId, roomId);
            throw;
        }
    }

    public Task MarkRead(string roomId, long seq)
    {
        ChatLimits.EnsureRoomId(roomId);
        TakeActionToken();
        return grains.GetGrain<IUserGrain>(UserId).MarkRead(roomId, seq);
    }

    public Task<ChatMessage> EditMessage(string roomId, long seq, string text)
    {
        ChatLimits.EnsureRoomId(roomId);
        ChatLimits.EnsureText(text);
        TakeActionToken();
        return grains.GetGrain<IRoomGrain>(roomId).Edit(UserId, seq, text);
    }

    public Task DeleteMessage(string roomId, long seq)
    {
        ChatLimits.EnsureRoomId(roomId);
        TakeActionToken();
        return grains.GetGrain<IRoomGrain>(roomId).Delete(UserId, seq);
    }

    /// <summary>
    /// Who of a room's members is online now (members only; the first 500 members by id). The
    /// contract's <c>presence</c> events carry changes; this gives a page the state to start from.
    /// </summary>
    public async Task<IReadOnlyList<PresencePayload>> GetPresence(string roomId)
    {
        ChatLimits.EnsureRoomId(roomId);
        TakeReadToken();
        var members = await grains.GetGrain<IRoomGrain>(roomId).GetPresence(UserId, MaxPresenceMembers);
        return members.Select(m => new PresencePayload(m.UserId, m.Online)).ToList();
    }

    /// <summary>All of the caller's rooms: <see cref="GetRoomsPage"/> page after page.</summary>
    public async Task<IReadOnlyList<RoomSummary>> GetRooms()
    {
        TakeReadToken();
        var all = new List<RoomSummary>();
        string? after = null;
        while (true)
        {
            var page = await roomList.GetPageAsync(UserId, after, ChatLimits.MaxRoomsPage);
            all.AddRange(page);
            if (page.Count < ChatLimits.MaxRoomsPage)
            {
                return all;
            }

            after = page[^1].RoomId;
        }
    }

    /// <summary>Up to <paramref name="limit"/> (1–500) of the caller's rooms after <paramref name="afterRoomId"/> (null: from the first), in ordinal order of room id.</summary>
    public Task<IReadOnlyList<RoomSummary>> GetRoomsPage(string? afterRoomId, int limit)
    {
        ChatLimits.EnsureRoomsPageLimit(limit);
        if (afterRoomId is not null)
        {
            ChatLimits.EnsureRoomId(afterRoomId);
        }

        TakeReadToken();
        return roomList.GetPageAsync(UserId, afterRoomId, limit);
    }

    private static void CheckMessage(string clientMsgId, string text)
    {
        ChatLimits.EnsureClientMsgId(clientMsgId);
        ChatLimits.EnsureText(text);
    }

    private void TakeSendToken() => EnsureAllowed(limiter.TryAcquire(UserId, out var retryAfter), retryAfter);

    /// <summary>Joins, leaves, typing, read marks, edits and deletes: each reaches every member, so each is limited too, apart from sends.</summary>
    private void TakeActionToken() => EnsureAllowed(limiter.TryAcquireAction(UserId, out var retryAfter), retryAfter);

    /// <summary>History, resume, presence and room list: each reads the store, so a loop of them is limited too.</summary>
    private void TakeReadToken() => EnsureAllowed(limiter.TryAcquireRead(UserId, out var retryAfter), retryAfter);

    private static void EnsureAllowed(bool acquired, TimeSpan retryAfter)
    {
        if (!acquired)
        {
            var seconds = Math.Max(0.1, Math.Ceiling(retryAfter.TotalSeconds * 10) / 10);
            throw new ChatException($"rate limit exceeded, retry in {seconds.ToString("0.0", CultureInfo.InvariantCulture)} s", ChatErrorCode.RateLimited);
        }
    }
}
