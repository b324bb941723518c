namespace OrleansChat.Nodes;

/// <summary>What a <see cref="NodeNotice"/> announces.</summary>
public enum NodeNoticeKind
{
    /// <summary>A room grain (re)activated: a node with members of it must subscribe again.</summary>
    RoomActivated,

    /// <summary>A user grain (re)activated: a node with connections of that user must announce them again.</summary>
    UserActivated,

    /// <summary>The user came online; users who share one of the rooms get <c>presence</c>.</summary>
    Online,

    /// <summary>The user went offline.</summary>
    Offline,
}
