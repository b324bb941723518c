namespace OrleansChat.Rooms;

/// <summary>
/// The settings a client passes to <c>CreateRoom</c> and <c>UpdateRoom</c>; a null field keeps the
/// current value (on create: title = the room id, not invite-only).
/// </summary>
[GenerateSerializer, Immutable, Alias("chat.RoomSettings")]
public sealed record RoomSettings(
    [property: Id(0)] string? Title = null,
    [property: Id(1)] bool? InviteOnly = null);
