namespace OrleansChat.Rooms;

/// <summary>
/// What became of one send of a batch: the room's receipt, or what the room (or the way to it)
/// threw, exactly as a single call would have thrown it to the node.
/// </summary>
[GenerateSerializer, Immutable, Alias("chat.SendOutcome")]
public sealed record SendOutcome([property: Id(0)] SendReceipt? Receipt, [property: Id(1)] Exception? Error);
