namespace OrleansChat.Nodes;

/// <summary>
/// Something every node hears about: a room or user grain activated, a user came online or went
/// offline. Notices travel in batches per node (<see cref="IChatNode.OnNotices"/>), so a silo that
/// activates many users at once (a reconnect storm) sends a few calls per node, not a few per user.
/// </summary>
/// <param name="Id">The room id for <see cref="NodeNoticeKind.RoomActivated"/>, the user id otherwise.</param>
/// <param name="RoomIds">For presence: the user's rooms, whose local members are told.</param>
/// <param name="Activation">For <see cref="NodeNoticeKind.UserActivated"/>: the activation (see <see cref="Users.UserRooms.Activation"/>).</param>
[GenerateSerializer, Immutable, Alias("chat.NodeNotice")]
public sealed record NodeNotice(
    [property: Id(0)] NodeNoticeKind Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] IReadOnlyList<string>? RoomIds = null,
    [property: Id(3)] string? Activation = null);
