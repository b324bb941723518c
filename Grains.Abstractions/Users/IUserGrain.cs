using OrleansChat.Nodes;
using Orleans.Concurrency;

namespace OrleansChat.Users;

[GenerateSerializer, Immutable, Alias("chat.RoomSummary")]
public sealed record RoomSummary(
    [property: Id(0)] string RoomId,
    [property: Id(1)] long LastSeq,
    [property: Id(2)] long LastRead,
    [property: Id(3)] long Unread);

/// <summary>
/// The user's rooms and the version of that list; a node keeps the newest it has seen.
/// <paramref name="JoinedAfter"/> is set when the list changes because the user joined a room: that
/// room's last seq at the join. Everything after it is the user's to receive live, so a node that
/// routes the room late (overloaded, or its answer timed out) delivers what it missed from there.
/// <paramref name="Activation"/> is set in a connect's answer: which activation of the user grain now
/// knows the connection, so that the node ignores that activation's own "user activated" notice.
/// </summary>
[GenerateSerializer, Immutable, Alias("chat.UserRooms")]
public sealed record UserRooms(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<string> Rooms,
    [property: Id(2)] IReadOnlyDictionary<string, long>? JoinedAfter = null,
    [property: Id(3)] string? Activation = null);

/// <summary>A join's answer to the node that asked for it, with the room list that node routes its connections by.</summary>
[GenerateSerializer, Immutable, Alias("chat.NodeJoinResult")]
public sealed record NodeJoinResult(
    [property: Id(0)] Rooms.JoinResult Result,
    [property: Id(1)] UserRooms Rooms);

/// <summary>
/// A user, keyed by user id: the rooms the user belongs to (durable), read positions (durable) and
/// the user's live connections on every node (in memory; nodes re-announce them when this grain
/// is activated again).
/// </summary>
[Alias("chat.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Joins a room for this user: room membership first, then the user's own room list.</summary>
    [Alias("JoinRoom")]
    Task<Rooms.JoinResult> JoinRoom(string roomId);

    /// <summary>
    /// <see cref="JoinRoom"/> asked by a node for one of its connections: every other node holding the
    /// user's connections routes them before this returns, and the asking node gets the new room
    /// list in the answer to route its own, which saves a call back to it.
    /// </summary>
    [Alias("JoinRoomFrom")]
    Task<NodeJoinResult> JoinRoomFrom(string roomId, string nodeId);

    /// <summary>
    /// Joins a direct conversation the user is starting (their first message in it): a conversation
    /// the user is not in yet counts against the per-day limit of new ones, refused past it.
    /// </summary>
    [Alias("StartDirect")]
    Task<Rooms.JoinResult> StartDirect(string roomId);

    [Alias("LeaveRoom")]
    Task LeaveRoom(string roomId);

    /// <summary>Registers a live connection; returns the user's rooms so the node can route events.</summary>
    [Alias("Connect")]
    Task<UserRooms> Connect(string nodeId, IChatNode node, string connectionId);

    [Alias("Disconnect")]
    Task Disconnect(string nodeId, string connectionId);

    /// <summary>Drops every connection a node held (the node stopped or was declared dead).</summary>
    [Alias("DropNode")]
    Task DropNode(string nodeId);

    /// <summary>Closes the user's connections on every node that holds one; returns how many were closed.</summary>
    [Alias("DisconnectEverywhere")]
    Task<int> DisconnectEverywhere();

    [Alias("MarkRead")]
    Task MarkRead(string roomId, long seq);

    /// <summary>
    /// Up to <paramref name="limit"/> of the user's rooms after <paramref name="afterRoomId"/> (null:
    /// from the first) in ordinal order, with the user's read position: only this grain's own state,
    /// so the answer costs no call to any room however many rooms the user is in.
    /// </summary>
    [ReadOnly, Alias("GetRoomReads")]
    Task<IReadOnlyList<RoomRead>> GetRoomReads(string? afterRoomId, int limit);

    /// <summary>Creates a public room owned by this user (<see cref="Rooms.IRoomModeration.Create"/>), then adds it to the user's rooms.</summary>
    [Alias("CreateRoom")]
    Task<Rooms.RoomInfo> CreateRoom(string roomId, Rooms.RoomSettings settings);

    /// <summary>
    /// The room removed this user (kick or ban): the room leaves the user's list and every node with
    /// the user's connections hands them <paramref name="notice"/> and stops routing the room to them
    /// before this returns. Interleaves, because the room calls it while the user may be waiting on that room.
    /// </summary>
    [AlwaysInterleave, Alias("RemovedFromRoom")]
    Task RemovedFromRoom(string roomId, Messages.RoomEvent notice);

    /// <summary>An event for this user alone (an invitation), handed to the nodes holding the user's connections.</summary>
    [OneWay, AlwaysInterleave, Alias("Notify")]
    Task Notify(Messages.RoomEvent notice);

    /// <summary>Refuses <paramref name="userId"/>'s direct messages to this user from now on (idempotent).</summary>
    [Alias("Block")]
    Task Block(string userId);

    [Alias("Unblock")]
    Task Unblock(string userId);

    [ReadOnly, Alias("GetBlocked")]
    Task<IReadOnlyList<string>> GetBlocked();
}
