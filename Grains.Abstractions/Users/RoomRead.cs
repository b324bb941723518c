using Orleans.Concurrency;

namespace OrleansChat.Users;

/// <summary>One of a user's rooms and the highest seq the user marked read there.</summary>
[GenerateSerializer, Immutable, Alias("chat.RoomRead")]
public sealed record RoomRead([property: Id(0)] string RoomId, [property: Id(1)] long LastRead);
