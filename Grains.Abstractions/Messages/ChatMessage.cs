using System.Text.Json.Serialization;

namespace OrleansChat.Messages;

/// <summary>A message as stored and delivered. <see cref="Seq"/> starts at 1 per room and has no gaps.</summary>
[GenerateSerializer, Immutable, Alias("chat.ChatMessage")]
public sealed record ChatMessage(
    [property: Id(0)] string RoomId,
    [property: Id(1)] long Seq,
    [property: Id(2)] string SenderId,
    [property: Id(3)] string? Text,
    [property: Id(4)] string ClientMsgId,
    [property: Id(5)] DateTimeOffset SentAt,
    [property: Id(6)] DateTimeOffset? EditedAt = null,
    [property: Id(7), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Deleted = false);
