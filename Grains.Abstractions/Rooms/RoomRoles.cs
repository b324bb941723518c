namespace OrleansChat.Rooms;

/// <summary>The roles of a public room, spelled as the client contract names them. Direct rooms have none.</summary>
public static class RoomRoles
{
    /// <summary>Exactly one per public room: the creator, until ownership is handed over.</summary>
    public const string Owner = "owner";

    public const string Moderator = "moderator";

    public const string Member = "member";

    public static bool IsValid(string? role) => role is Owner or Moderator or Member;
}
