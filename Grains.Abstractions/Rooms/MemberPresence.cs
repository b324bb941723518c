using Orleans.Concurrency;

namespace OrleansChat.Rooms;

/// <summary>A room member and whether any node holds a connection of theirs.</summary>
[GenerateSerializer, Immutable, Alias("chat.MemberPresence")]
public sealed record MemberPresence([property: Id(0)] string UserId, [property: Id(1)] bool Online);
