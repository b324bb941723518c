using System.Text.Json.Serialization;
using OrleansChat.Messages;

namespace OrleansChat.Edge.Hubs;

// Payloads of the moderation events, with the field names the client contract fixes. A null
// `until` means "until lifted" and is written, not left out as other nulls are.

public sealed record InvitedPayload(string RoomId, string By);

public sealed record RoleChangedPayload(string RoomId, string UserId, string Role);

public sealed record MemberKickedPayload(string RoomId, string UserId, string By, string Reason);

public sealed record MemberBannedPayload(string RoomId, string UserId, string By, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? Until, string Reason);

public sealed record MemberMutedPayload(string RoomId, string UserId, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? Until);

/// <summary>Payload of <c>memberUnbanned</c> and <c>memberUnmuted</c> (not named by the contract; the project's own).</summary>
public sealed record MemberLiftedPayload(string RoomId, string UserId, string By);
