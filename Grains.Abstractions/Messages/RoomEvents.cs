namespace OrleansChat.Messages;

/// <summary>Something that happened in a room and goes to every connection of every member.</summary>
[GenerateSerializer, Immutable, Alias("chat.RoomEvent")]
public abstract record RoomEvent([property: Id(0)] string RoomId);

[GenerateSerializer, Immutable, Alias("chat.MessageEvent")]
public sealed record MessageEvent(string RoomId, [property: Id(0)] ChatMessage Message) : RoomEvent(RoomId);

[GenerateSerializer, Immutable, Alias("chat.MemberEvent")]
public sealed record MemberEvent(string RoomId, [property: Id(0)] string UserId, [property: Id(1)] bool Joined) : RoomEvent(RoomId);

[GenerateSerializer, Immutable, Alias("chat.TypingEvent")]
public sealed record TypingEvent(string RoomId, [property: Id(0)] string UserId) : RoomEvent(RoomId);

[GenerateSerializer, Immutable, Alias("chat.ReadEvent")]
public sealed record ReadEvent(string RoomId, [property: Id(0)] string UserId, [property: Id(1)] long Seq) : RoomEvent(RoomId);

[GenerateSerializer, Immutable, Alias("chat.MessageEditedEvent")]
public sealed record MessageEditedEvent(string RoomId, [property: Id(0)] long Seq, [property: Id(1)] string Text, [property: Id(2)] DateTimeOffset EditedAt) : RoomEvent(RoomId);

[GenerateSerializer, Immutable, Alias("chat.MessageDeletedEvent")]
public sealed record MessageDeletedEvent(string RoomId, [property: Id(0)] long Seq) : RoomEvent(RoomId);
