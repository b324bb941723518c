namespace OrleansChat.Rooms;

/// <summary>One send in a batch for <see cref="ISendGateway.Send"/>: what <see cref="IRoomGrain.SendFromNode"/> takes, plus the room.</summary>
[GenerateSerializer, Immutable, Alias("chat.SendRequest")]
public sealed record SendRequest(
    [property: Id(0)] string RoomId,
    [property: Id(1)] string NodeId,
    [property: Id(2)] string SenderId,
    [property: Id(3)] string ClientMsgId,
    [property: Id(4)] string Text);
