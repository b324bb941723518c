namespace OrleansChat.Edge.Hubs;

/// <summary>Names fixed by the client contract: the hub path and the events the server sends.</summary>
public static class HubNames
{
    public const string HubPath = "/hubs/chat";

    public const string Message = "message";
    public const string MemberJoined = "memberJoined";
    public const string MemberLeft = "memberLeft";
    public const string Typing = "typing";
    public const string Read = "read";
    public const string Presence = "presence";
    public const string MessageEdited = "messageEdited";
    public const string MessageDeleted = "messageDeleted";
    public const string RoomUpdated = "roomUpdated";
    public const string Invited = "invited";
    public const string RoleChanged = "roleChanged";
    public const string MemberKicked = "memberKicked";
    public const string MemberBanned = "memberBanned";
    public const string MemberUnbanned = "memberUnbanned";
    public const string MemberMuted = "memberMuted";
    public const string MemberUnmuted = "memberUnmuted";

    /// <summary>Sent to a node's clients when it drains, so they reconnect elsewhere before it stops.</summary>
    public const string Reconnect = "reconnect";

    /// <summary>The only SignalR groups: one per room with local members (see <c>ChatNode.OnPresence</c> for why not per user).</summary>
    public static string RoomGroup(string roomId) => "r:" + roomId;
}
