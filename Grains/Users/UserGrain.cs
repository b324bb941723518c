using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Grains.Membership;
using OrleansChat.Grains.Nodes;
using OrleansChat.Messages;
using OrleansChat.Nodes;
using OrleansChat.Rooms;
using OrleansChat.Users;
using Orleans.Runtime;

namespace OrleansChat.Grains.Users;

public sealed partial class UserGrain(
    [PersistentState("user", ChatNames.GrainStorage)] IPersistentState<UserState> state,
    ClusterNodes nodes,
    NodeNotices notices,
    OnlineUsers onlineUsers,
    IOptions<MembershipLimitsOptions> limits,
    TimeProvider time,
    ILogger<UserGrain> logger) : Grain, IUserGrain
{
    private static readonly TimeSpan NodeCallTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Live connections per node. Not durable: nodes announce them again when this grain reactivates.
    /// While there are any, the grain stays active, and <see cref="OnlineUsers"/> knows their nodes so
    /// that a node whose silo membership declares dead is dropped from here.
    /// </summary>
    private readonly Dictionary<string, (IChatNode Node, HashSet<string> Connections)> _connections = new(StringComparer.Ordinal);

    /// <summary>Names this activation in its "activated" notice and its connect answers (<see cref="UserRooms.Activation"/>).</summary>
    private readonly string _activation = Guid.NewGuid().ToString("N");

    private string UserId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var userId = UserId;
        await notices.BroadcastAsync(new NodeNotice(NodeNoticeKind.UserActivated, userId, Activation: _activation));
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        onlineUsers.Forget(UserId);
        return _pendingPresence is null ? Task.CompletedTask : AnnouncePendingPresenceAsync(cancellationToken);
    }

    public async Task<JoinResult> JoinRoom(string roomId) => (await JoinAsync(roomId, callerNodeId: null)).Result;

    public Task<NodeJoinResult> JoinRoomFrom(string roomId, string nodeId)
    {
        // The user's own join by id: a direct conversation the user is not in is started by it.
        CountIfNewDirect(roomId);
        return JoinAsync(roomId, nodeId);
    }

    private async Task<NodeJoinResult> JoinAsync(string roomId, string? callerNodeId)
    {
        ChatLimits.EnsureRoomId(roomId);
        if (!state.State.Rooms.Contains(roomId))
        {
            EnsureRoomForOneMore(roomId);
        }

        var result = await GrainFactory.GetGrain<IRoomGrain>(roomId).Join(UserId);
        var rooms = await AddRoomAsync(roomId, result.LastSeq, callerNodeId);
        return new NodeJoinResult(result, rooms);
    }

    /// <summary>
    /// The room took the user: the user's list gains it, and every node but <paramref name="callerNodeId"/>
    /// routes the user's connections to it; the caller routes its own from the list returned.
    /// </summary>
    private async Task<UserRooms> AddRoomAsync(string roomId, long joinedAtSeq, string? callerNodeId = null)
    {
        if (state.State.Rooms.Add(roomId))
        {
            state.State.RoomsVersion++;
            await WriteOrUndoAsync(() =>
            {
                state.State.Rooms.Remove(roomId);
                state.State.RoomsVersion--;
            });
        }

        var joinedAfter = new Dictionary<string, long>(StringComparer.Ordinal) { [roomId] = joinedAtSeq };
        await NotifyRoomsChangedAsync(joinedAfter, callerNodeId);
        return CurrentRooms() with { JoinedAfter = joinedAfter };
    }

    public async Task LeaveRoom(string roomId)
    {
        ChatLimits.EnsureRoomId(roomId);
        await GrainFactory.GetGrain<IRoomGrain>(roomId).Leave(UserId);
        await ForgetRoomAsync(roomId);
        await NotifyRoomsChangedAsync();
    }

    /// <summary>The user is no longer in the room (left, kicked or banned): the room and its read position leave the user's state.</summary>
    private async Task ForgetRoomAsync(string roomId)
    {
        if (state.State.Rooms.Remove(roomId))
        {
            var hadRead = state.State.LastRead.Remove(roomId, out var lastRead);
            state.State.RoomsVersion++;
            await WriteOrUndoAsync(() =>
            {
                state.State.Rooms.Add(roomId);
                state.State.RoomsVersion--;
                if (hadRead)
                {
                    state.State.LastRead[roomId] = lastRead;
                }
            });
        }
    }

    public async Task<UserRooms> Connect(string nodeId, IChatNode node, string connectionId)
    {
        if (nodes.IsDead(nodeId))
        {
            // Announced from a silo declared dead meanwhile: its connections are gone, and nothing
            // would ever drop them again.
            return CurrentRooms() with { Activation = _activation };
        }

        var wasOnline = _connections.Count > 0;
        if (!_connections.TryGetValue(nodeId, out var entry))
        {
            entry = (node, new HashSet<string>(StringComparer.Ordinal));
        }

        entry.Connections.Add(connectionId);
        _connections[nodeId] = (node, entry.Connections);
        onlineUsers.Track(UserId, _connections.Keys);
        if (!wasOnline)
        {
            // Kept in memory while online: idle collection would forget the connections.
            this.DelayDeactivation(TimeSpan.MaxValue);
            await PresenceChangedAsync();
        }

        return CurrentRooms() with { Activation = _activation };
    }

    public async Task Disconnect(string nodeId, string connectionId)
    {
        if (_connections.TryGetValue(nodeId, out var entry) && entry.Connections.Remove(connectionId) && entry.Connections.Count == 0)
        {
            await DropAsync(nodeId);
        }
    }

    public Task DropNode(string nodeId) => DropAsync(nodeId);

    public async Task<int> DisconnectEverywhere()
    {
        var calls = _connections.Values.Select(c => c.Node.CloseConnectionsOf(UserId).WaitAsync(NodeCallTimeout)).ToList();
        var closed = 0;
        foreach (var call in calls)
        {
            try
            {
                closed += await call;
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException)
            {
                // A node that does not answer is dead or dying: its connections are going anyway.
                LogDisconnectUnanswered(logger, UserId, ex.Message);
            }
        }

        return closed;
    }

    public async Task MarkRead(string roomId, long seq)
    {
        ChatLimits.EnsureRoomId(roomId);
        ChatLimits.EnsureSeq(seq, "seq");
        if (!state.State.Rooms.Contains(roomId))
        {
            throw ChatException.NotMember(roomId);
        }

        var room = GrainFactory.GetGrain<IRoomGrain>(roomId);
        var lastSeq = await room.GetLastSeq();
        var read = Math.Min(seq, lastSeq);
        if (read <= state.State.LastRead.GetValueOrDefault(roomId))
        {
            // Nothing new was read: the others already know, and a repeated call must not make
            // every member's connection receive an event.
            return;
        }

        await room.MarkRead(UserId, read);
        state.State.LastRead[roomId] = read;
        await WriteOrUndoAsync(() => { });
    }

    public Task<IReadOnlyList<RoomRead>> GetRoomReads(string? afterRoomId, int limit)
    {
        ChatLimits.EnsureRoomsPageLimit(limit);
        IReadOnlyList<RoomRead> page = state.State.Rooms
            .Where(r => afterRoomId is null || string.CompareOrdinal(r, afterRoomId) > 0)
            .Order(StringComparer.Ordinal)
            .Take(limit)
            .Select(r => new RoomRead(r, state.State.LastRead.GetValueOrDefault(r)))
            .ToList();
        return Task.FromResult(page);
    }

    /// <summary>Public rooms and direct conversations have separate allowances (<see cref="MembershipLimitsOptions"/>).</summary>
    private void EnsureRoomForOneMore(string roomId)
    {
        var direct = ChatLimits.IsDirectRoom(roomId);
        var max = direct ? limits.Value.MaxDirectRoomsPerUser : limits.Value.MaxRoomsPerUser;
        if (state.State.Rooms.Count(r => ChatLimits.IsDirectRoom(r) == direct) >= max)
        {
            throw new ChatException(
                direct ? $"you are already in the maximum of {max} direct conversations; leave one first" : $"you are already in the maximum of {max} rooms; leave one first",
                ChatErrorCode.LimitReached);
        }
    }

    private IReadOnlyList<string> RoomIds() => state.State.Rooms.Order(StringComparer.Ordinal).ToList();

    private async Task DropAsync(string nodeId)
    {
        if (!_connections.Remove(nodeId))
        {
            return;
        }

        if (_connections.Count > 0)
        {
            onlineUsers.Track(UserId, _connections.Keys);
            return;
        }

        onlineUsers.Forget(UserId);
        this.DelayDeactivation(TimeSpan.Zero);
        await PresenceChangedAsync();
    }

    private UserRooms CurrentRooms() => new(state.State.RoomsVersion, RoomIds());

    /// <summary>
    /// Every node with a connection of this user re-routes it before the join or leave returns. A
    /// node that does not answer in time (killed, not yet declared dead) is not waited for: its
    /// clients reconnect elsewhere and get the new list on connect.
    /// </summary>
    private async Task NotifyRoomsChangedAsync(IReadOnlyDictionary<string, long>? joinedAfter = null, string? exceptNodeId = null)
    {
        var targets = _connections.Where(c => c.Key != exceptNodeId && !nodes.IsDead(c.Key)).ToList();
        if (targets.Count == 0)
        {
            return;
        }

        var userId = UserId;
        var rooms = CurrentRooms() with { JoinedAfter = joinedAfter };
        var calls = targets.Select(c => c.Value.Node.ApplyUserRooms(userId, rooms)).ToList();
        try
        {
            await Task.WhenAll(calls).WaitAsync(NodeCallTimeout);
        }
        catch (Exception ex)
        {
            // The join or leave itself is stored: a node that could not route it (slow, dead, or
            // failing) must not turn it into an error the client would see as "not joined". Under
            // overload this fires often; the reason is enough, a stack trace per user is not.
            LogNodeNotRouted(logger, userId, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {UserId}: a node did not confirm closing the user's connections ({Reason})")]
    private static partial void LogDisconnectUnanswered(ILogger logger, string userId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {UserId}: a node did not confirm the new room list in time ({Reason})")]
    private static partial void LogNodeNotRouted(ILogger logger, string userId, string reason);
}
