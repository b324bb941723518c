using Microsoft.AspNetCore.SignalR;
using OrleansChat.Edge.Cluster;
using OrleansChat.Edge.Hubs;
using OrleansChat.Messages;
using OrleansChat.Nodes;
using OrleansChat.Rooms;
using OrleansChat.Users;
using Orleans.Runtime;
using OrleansChat.Grains.Background;

namespace OrleansChat.Edge.Routing;

/// <summary>
/// This node as the grains see it: the receiver of room and user events, and the owner of local
/// routing. The hub tells it about connections; grains call it one-way through its observer reference.
/// </summary>
public sealed partial class ChatNode(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IHubContext<ChatHub> hub,
    LocalRoutes routes,
    RoomFeeds feeds,
    FailoverRetry retry,
    SendLanes sends,
    OpenConnections openConnections,
    ILogger<ChatNode> logger) : IChatNode, ILocalChatNode
{
    private IChatNode? _reference;
    private Action<Exception>? _presenceFailed;

    /// <summary>
    /// The co-hosted silo's address: every node is a silo, and membership's word on that silo is the
    /// node's liveness. The address carries the silo's generation, so a restarted node is never
    /// mistaken for its previous life.
    /// </summary>
    public string NodeId { get; } = silo.SiloAddress.ToParsableString();

    public bool IsStarted => _reference is not null;

    public int ConnectionCount => routes.ConnectionCount;

    public IChatNode Reference => _reference ?? throw new InvalidOperationException("the chat node has not started");

    /// <summary>Creates the observer reference; needs the co-hosted silo to be running.</summary>
    public IChatNode Start()
    {
        _reference = grains.CreateObjectReference<IChatNode>(this);
        feeds.Start(NodeId, _reference);
        return _reference;
    }

    /// <summary>Registers this node in the node directory, where grains find its reference (again after a silo death: the directory may have lived there).</summary>
    public Task RegisterAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        grains.GetGrain<INodeDirectoryGrain>(0).Register(NodeId, Reference).WaitAsync(timeout, cancellationToken);

    public void Stop()
    {
        feeds.Stop();
        if (_reference is not null)
        {
            grains.DeleteObjectReference<IChatNode>(_reference);
        }
    }

    /// <summary>
    /// Registers a connection and routes it to every room of its user. Completes once the node is
    /// subscribed to those rooms, so nothing sent after the hub's connect step is missed.
    /// </summary>
    public async Task ConnectAsync(string userId, string connectionId)
    {
        routes.AddConnection(userId, connectionId);
        var rooms = await grains.GetGrain<IUserGrain>(userId).Connect(NodeId, Reference, connectionId);
        await ApplyRoomsAsync(userId, rooms, connectionId);
    }

    /// <summary>
    /// Joins the room for the user. The user grain routes the user's connections on other nodes; this
    /// node routes its own from the answer, with no call back from the grain.
    /// </summary>
    public async Task<JoinResult> JoinAsync(string userId, string roomId)
    {
        var answer = await grains.GetGrain<IUserGrain>(userId).JoinRoomFrom(roomId, NodeId);
        await ApplyRoomsAsync(userId, answer.Rooms);
        return answer.Result;
    }

    public async Task DisconnectAsync(string userId, string connectionId)
    {
        foreach (var roomId in routes.RemoveConnection(userId, connectionId))
        {
            feeds.Sync(roomId);
        }

        await grains.GetGrain<IUserGrain>(userId).Disconnect(NodeId, connectionId);
    }

    /// <summary>
    /// Routes the user's local connections to the rooms in <paramref name="rooms"/>. Only newly added
    /// rooms are routed for existing connections; a new connection is routed to all of them.
    /// </summary>
    public async Task ApplyRoomsAsync(string userId, UserRooms rooms, string? newConnectionId = null)
    {
        if (routes.ApplyRooms(userId, rooms, newConnectionId) is not { } change)
        {
            return;
        }

        foreach (var connectionId in change.Connections)
        {
            var toAdd = connectionId == newConnectionId ? change.AllRooms : change.Added;
            foreach (var roomId in toAdd)
            {
                await hub.Groups.AddToGroupAsync(connectionId, HubNames.RoomGroup(roomId));
            }

            foreach (var roomId in change.Removed)
            {
                await hub.Groups.RemoveFromGroupAsync(connectionId, HubNames.RoomGroup(roomId));
            }
        }

        foreach (var roomId in change.Emptied)
        {
            feeds.Sync(roomId);
        }

        var subscribe = newConnectionId is null ? change.Added : change.AllRooms;
        await Task.WhenAll(subscribe.Select(roomId => feeds.SyncAsync(roomId, rooms.JoinedAfter?.GetValueOrDefault(roomId))));
    }

    /// <summary>Asks every room with local members to confirm the subscription; catches rooms that reactivated unnoticed.</summary>
    public void ResubscribeAll()
    {
        foreach (var roomId in routes.RoomsWithLocalMembers())
        {
            feeds.Sync(roomId, force: true);
        }
    }

    public Task OnRoomEvent(RoomEvent roomEvent)
    {
        feeds.Post(roomEvent);
        return Task.CompletedTask;
    }

    public Task OnRoomEvents(RoomEvent[] roomEvents)
    {
        foreach (var roomEvent in roomEvents)
        {
            feeds.Post(roomEvent);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Sends through the room. When the room left this node out of the message's fan-out, the answer
    /// is this node's copy and goes to its connections of the room; otherwise the fan-out brings it.
    /// A send that meets a failing-over cluster is retried here (the same clientMsgId is stored
    /// once) until the sender's connection closes. Sends to rooms of one silo share a call when
    /// they queue behind one in flight (<see cref="SendLanes"/>).
    /// </summary>
    public async Task<ChatMessage> SendAsync(IRoomGrain room, string senderId, string clientMsgId, string text, CancellationToken connectionAborted)
    {
        var send = new SendRequest(room.GetPrimaryKeyString(), NodeId, senderId, clientMsgId, text);
        var receipt = await retry.RunAsync(() => sends.SendAsync(send), "SendMessage", connectionAborted);
        if (receipt.ForCallerNode)
        {
            feeds.Post(new MessageEvent(receipt.Message.RoomId, receipt.Message));
        }

        return receipt.Message;
    }

    /// <summary>The room's last seq as this node's feed of it knows it; null when the node does not follow the room.</summary>
    public long? KnownLastSeq(string roomId) => feeds.KnownLastSeq(roomId);

    /// <summary>From a room grain on this node's own silo: no grain call, no copy.</summary>
    public void Deliver(RoomEvent roomEvent) => feeds.Post(roomEvent);

    public Task OnNotices(NodeNotice[] notices)
    {
        Notice(notices);
        return Task.CompletedTask;
    }

    /// <summary>Activations and presence changes, from another silo's lane to this node or from this node's own silo in memory.</summary>
    public void Notice(IReadOnlyList<NodeNotice> notices)
    {
        foreach (var notice in notices)
        {
            switch (notice.Kind)
            {
                case NodeNoticeKind.RoomActivated:
                    OnRoomActivated(notice.Id);
                    break;
                case NodeNoticeKind.UserActivated:
                    OnUserActivated(notice.Id, notice.Activation);
                    break;
                case NodeNoticeKind.Online or NodeNoticeKind.Offline:
                    OnPresence(notice.Id, notice.Kind == NodeNoticeKind.Online, notice.RoomIds ?? []);
                    break;
            }
        }
    }

    private void OnRoomActivated(string roomId)
    {
        if (routes.HasLocalMembers(roomId))
        {
            feeds.Sync(roomId, force: true);
        }
    }

    private void OnUserActivated(string userId, string? activation)
    {
        var connections = routes.AnnouncedConnectionsOf(userId, activation);
        if (connections.Count > 0)
        {
            // Off the grain's call: the announce calls that same grain back.
            Task.Run(() => AnnounceAsync(userId, connections)).Forget(logger, "Announcing a reactivated user's connections");
        }
    }

    public Task ApplyUserRooms(string userId, UserRooms rooms) => ApplyRoomsAsync(userId, rooms);

    /// <summary>
    /// The notice goes first, to each local connection of the user (SignalR keeps per-connection
    /// order), then the connections leave the room's group: from then on nothing of the room reaches them.
    /// </summary>
    public async Task RemoveFromRoom(string userId, UserRooms rooms, RoomEvent notice)
    {
        SendToUser(userId, notice);
        await ApplyRoomsAsync(userId, rooms);
    }

    public Task OnUserEvent(string userId, RoomEvent notice)
    {
        SendToUser(userId, notice);
        return Task.CompletedTask;
    }

    private void SendToUser(string userId, RoomEvent notice)
    {
        if (notice is not ModerationEvent action)
        {
            return;
        }

        var (name, payload) = ModerationWire.ToClient(action);
        foreach (var connectionId in routes.ConnectionsOf(userId))
        {
            hub.Clients.Client(connectionId).SendAsync(name, payload).Forget(ex => LogNoticeFailed(logger, userId, ex));
        }
    }

    private void OnPresence(string userId, bool online, IReadOnlyList<string> roomIds)
    {
        // Per connection, not through a SignalR group per user: a group costs about 1 KB per user,
        // and SignalR's default lifetime manager walks every group on each disconnect. Presence
        // changes are rare enough to serialize per connection.
        var payload = new PresencePayload(userId, online);
        foreach (var recipient in routes.UsersSharing(userId, roomIds))
        {
            foreach (var connectionId in routes.ConnectionsOf(recipient))
            {
                hub.Clients.Client(connectionId).SendAsync(HubNames.Presence, payload).Forget(_presenceFailed ??= ex => LogPresenceFailed(logger, ex));
            }
        }
    }

    public Task<string[]> OnlineAmong(string[] userIds) =>
        Task.FromResult(userIds.Where(u => routes.ConnectionCountOf(u) > 0).ToArray());

    public Task<int> CloseConnectionsOf(string userId) =>
        Task.FromResult(routes.ConnectionsOf(userId).Count(openConnections.Close));

    /// <summary>The user's grain restarted and forgot this node's connections: tell it again.</summary>
    private async Task AnnounceAsync(string userId, IReadOnlyList<string> connections)
    {
        try
        {
            var user = grains.GetGrain<IUserGrain>(userId);
            UserRooms? rooms = null;
            foreach (var connectionId in connections)
            {
                rooms = await user.Connect(NodeId, Reference, connectionId);
            }

            if (rooms is not null)
            {
                await ApplyRoomsAsync(userId, rooms);
            }
        }
        catch (Exception ex)
        {
            LogRoutingFailed(logger, userId, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A notice to user {UserId} could not be written to a connection")]
    private static partial void LogNoticeFailed(ILogger logger, string userId, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A presence change could not be written to a connection")]
    private static partial void LogPresenceFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Routing of user {UserId} could not be updated")]
    private static partial void LogRoutingFailed(ILogger logger, string userId, Exception exception);
}
