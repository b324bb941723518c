using System.Text.Json.Serialization;

namespace OrleansChat.Edge.Hubs;

/// <summary>Payload of <c>memberJoined</c> / <c>memberLeft</c>.</summary>
public sealed record MemberPayload(string RoomId, string UserId);

/// <summary>Payload of <c>presence</c>.</summary>
public sealed record PresencePayload(string UserId, bool Online);

/// <summary>What <c>JoinRoom</c> returns; <see cref="Role"/> is null in a direct room (no roles).</summary>
public sealed record JoinRoomResult(string RoomId, long LastSeq, IReadOnlyList<string> Members, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Role);
