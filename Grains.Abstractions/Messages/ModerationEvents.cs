using OrleansChat.Rooms;

namespace OrleansChat.Messages;

// The moderation events of a room, kept together like RoomEvents.cs: each is a few fields, and the
// set reads as the audit vocabulary of a room's stream. Every one names who acted (By).

/// <summary>A moderation action: on the room's stream for downstream consumers, and in the node log.</summary>
[GenerateSerializer, Immutable, Alias("chat.ModerationEvent")]
public abstract record ModerationEvent(string RoomId, [property: Id(0)] string By) : RoomEvent(RoomId);

[GenerateSerializer, Immutable, Alias("chat.RoomUpdatedEvent")]
public sealed record RoomUpdatedEvent(string RoomId, string By, [property: Id(0)] RoomInfo Room) : ModerationEvent(RoomId, By);

/// <summary>Goes to the invitee only (and the stream); the room's members are not told.</summary>
[GenerateSerializer, Immutable, Alias("chat.MemberInvitedEvent")]
public sealed record MemberInvitedEvent(string RoomId, string By, [property: Id(0)] string UserId) : ModerationEvent(RoomId, By);

[GenerateSerializer, Immutable, Alias("chat.RoleChangedEvent")]
public sealed record RoleChangedEvent(string RoomId, string By, [property: Id(0)] string UserId, [property: Id(1)] string Role) : ModerationEvent(RoomId, By);

[GenerateSerializer, Immutable, Alias("chat.MemberKickedEvent")]
public sealed record MemberKickedEvent(string RoomId, string By, [property: Id(0)] string UserId, [property: Id(1)] string Reason) : ModerationEvent(RoomId, By);

/// <summary><paramref name="Until"/> null = until unbanned.</summary>
[GenerateSerializer, Immutable, Alias("chat.MemberBannedEvent")]
public sealed record MemberBannedEvent(string RoomId, string By, [property: Id(0)] string UserId, [property: Id(1)] DateTimeOffset? Until, [property: Id(2)] string Reason) : ModerationEvent(RoomId, By);

[GenerateSerializer, Immutable, Alias("chat.MemberUnbannedEvent")]
public sealed record MemberUnbannedEvent(string RoomId, string By, [property: Id(0)] string UserId) : ModerationEvent(RoomId, By);

/// <summary><paramref name="Until"/> null = until unmuted.</summary>
[GenerateSerializer, Immutable, Alias("chat.MemberMutedEvent")]
public sealed record MemberMutedEvent(string RoomId, string By, [property: Id(0)] string UserId, [property: Id(1)] DateTimeOffset? Until) : ModerationEvent(RoomId, By);

[GenerateSerializer, Immutable, Alias("chat.MemberUnmutedEvent")]
public sealed record MemberUnmutedEvent(string RoomId, string By, [property: Id(0)] string UserId) : ModerationEvent(RoomId, By);
