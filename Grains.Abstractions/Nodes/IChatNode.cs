using OrleansChat.Messages;
using OrleansChat.Users;
using Orleans.Concurrency;

namespace OrleansChat.Nodes;

/// <summary>
/// One per edge node (one per silo): the node's in-process receiver of room and user events. Grains call it
/// one-way so a slow or dead node never holds up a room.
/// </summary>
[Alias("chat.IChatNode")]
public interface IChatNode : IGrainObserver
{
    [OneWay, Alias("OnRoomEvent")]
    Task OnRoomEvent(RoomEvent roomEvent);

    /// <summary>Several room events, possibly of several rooms, in the order their rooms produced them.</summary>
    [OneWay, Alias("OnRoomEvents")]
    Task OnRoomEvents(RoomEvent[] roomEvents);

    /// <summary>Room and user activations and presence changes, in the order the silo produced them (<see cref="NodeNotice"/>).</summary>
    [OneWay, Alias("OnNotices")]
    Task OnNotices(NodeNotice[] notices);

    /// <summary>
    /// The user joined or left a room; the node routes that user's local connections accordingly.
    /// Awaited (with a short bound) so that a join returns only once the user's connections get the room's events.
    /// </summary>
    [Alias("ApplyUserRooms")]
    Task ApplyUserRooms(string userId, UserRooms rooms);

    /// <summary>
    /// A room removed the user (kick or ban): the node hands <paramref name="notice"/> to the user's
    /// local connections, then routes them by <paramref name="rooms"/>, which no longer holds the room.
    /// Awaited, so the removal returns only once the user's connections stopped getting the room's events.
    /// </summary>
    [Alias("RemoveFromRoom")]
    Task RemoveFromRoom(string userId, UserRooms rooms, RoomEvent notice);

    /// <summary>An event for one user's local connections only (an invitation to a room they are not in).</summary>
    [OneWay, Alias("OnUserEvent")]
    Task OnUserEvent(string userId, RoomEvent notice);

    /// <summary>Which of <paramref name="userIds"/> hold a connection on this node: presence from what nodes know, activating no user grain.</summary>
    [Alias("OnlineAmong")]
    Task<string[]> OnlineAmong(string[] userIds);

    /// <summary>Closes every connection of the user on this node (an operator's order); returns how many.</summary>
    [Alias("CloseConnectionsOf")]
    Task<int> CloseConnectionsOf(string userId);
}
