using System.Text.Json.Serialization;

namespace OrleansChat.Rooms;

/// <summary>
/// What <c>GetRoom</c> answers and <c>roomUpdated</c> carries. <paramref name="Owner"/> is null for a
/// direct room (no roles) and, until its first member acts, for a room created before rooms had owners.
/// </summary>
[GenerateSerializer, Immutable, Alias("chat.RoomInfo")]
public sealed record RoomInfo(
    [property: Id(0)] string RoomId,
    [property: Id(1)] string Title,
    [property: Id(2)] bool InviteOnly,
    [property: Id(3), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Owner,
    [property: Id(4)] IReadOnlyList<string> Moderators,
    [property: Id(5)] int MemberCount,
    [property: Id(6)] long LastSeq);
