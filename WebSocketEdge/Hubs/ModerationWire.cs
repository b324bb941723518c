using OrleansChat.Messages;

namespace OrleansChat.Edge.Hubs;

/// <summary>How a moderation event travels to clients: its event name and payload.</summary>
public static class ModerationWire
{
    public static (string Name, object Payload) ToClient(ModerationEvent action) => action switch
    {
        RoomUpdatedEvent u => (HubNames.RoomUpdated, u.Room),
        MemberInvitedEvent i => (HubNames.Invited, new InvitedPayload(i.RoomId, i.By)),
        RoleChangedEvent r => (HubNames.RoleChanged, new RoleChangedPayload(r.RoomId, r.UserId, r.Role)),
        MemberKickedEvent k => (HubNames.MemberKicked, new MemberKickedPayload(k.RoomId, k.UserId, k.By, k.Reason)),
        MemberBannedEvent b => (HubNames.MemberBanned, new MemberBannedPayload(b.RoomId, b.UserId, b.By, b.Until, b.Reason)),
        MemberUnbannedEvent u => (HubNames.MemberUnbanned, new MemberLiftedPayload(u.RoomId, u.UserId, u.By)),
        MemberMutedEvent m => (HubNames.MemberMuted, new MemberMutedPayload(m.RoomId, m.UserId, m.Until)),
        MemberUnmutedEvent u => (HubNames.MemberUnmuted, new MemberLiftedPayload(u.RoomId, u.UserId, u.By)),
        _ => throw new ArgumentOutOfRangeException(nameof(action), action.GetType().Name, "no client event for this moderation event"),
    };

    /// <summary>
    /// The user a kick or ban removed. Their connections get the notice from the removal itself
    /// (<see cref="Routing.ChatNode.RemoveFromRoom"/>), so the room's fan-out leaves them out: exactly one copy either way.
    /// </summary>
    public static string? RemovedUser(ModerationEvent action) => action switch
    {
        MemberKickedEvent k => k.UserId,
        MemberBannedEvent b => b.UserId,
        _ => null,
    };
}
