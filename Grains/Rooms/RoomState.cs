namespace OrleansChat.Grains.Rooms;

/// <summary>
/// Durable part of a room. Messages are not here: they live in the message store, so this stays
/// small however long the room's history grows.
/// </summary>
[GenerateSerializer, Alias("chat.RoomState")]
public sealed class RoomState
{
    [Id(0)]
    public HashSet<string> Members { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Moderators, the owner not among them. Roles outlast leaving the room. Rooms stored before
    /// owners existed hold their creator here; <see cref="RoomOwnership"/> turns that into the owner.
    /// </summary>
    [Id(1)]
    public HashSet<string> Moderators { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Set on the first join or create; a room without it does not exist.</summary>
    [Id(2)]
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>The one owner of a public room; null for direct rooms and rooms stored before owners existed.</summary>
    [Id(3)]
    public string? Owner { get; set; }

    /// <summary>Null = the room id.</summary>
    [Id(4)]
    public string? Title { get; set; }

    [Id(5)]
    public bool InviteOnly { get; set; }

    /// <summary>Users invited and not yet joined; a join uses up the invitation.</summary>
    [Id(6)]
    public HashSet<string> Invited { get; set; } = new(StringComparer.Ordinal);

    [Id(7)]
    public Dictionary<string, Restriction> Bans { get; set; } = new(StringComparer.Ordinal);

    [Id(8)]
    public Dictionary<string, Restriction> Mutes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Direct rooms: which of the two users blocks the other (a copy of their user grain's block list).</summary>
    [Id(9)]
    public HashSet<string> BlockedBy { get; set; } = new(StringComparer.Ordinal);

    /// <summary>A copy to restore if a write fails (restrictions are replaced, never changed, so they are shared).</summary>
    public RoomState Copy() => new()
    {
        Members = new HashSet<string>(Members, StringComparer.Ordinal),
        Moderators = new HashSet<string>(Moderators, StringComparer.Ordinal),
        CreatedAt = CreatedAt,
        Owner = Owner,
        Title = Title,
        InviteOnly = InviteOnly,
        Invited = new HashSet<string>(Invited, StringComparer.Ordinal),
        Bans = new Dictionary<string, Restriction>(Bans, StringComparer.Ordinal),
        Mutes = new Dictionary<string, Restriction>(Mutes, StringComparer.Ordinal),
        BlockedBy = new HashSet<string>(BlockedBy, StringComparer.Ordinal),
        PublishedSeq = PublishedSeq,
    };

    /// <summary>
    /// Every message up to this seq is on the room's event stream; on activation the room hands the
    /// store's messages after it to the stream relay again. Saved now and then, so it may lag what
    /// was published (a resume then publishes some messages twice), never lead it. Null for a room
    /// stored before the relay existed: its history was published by the sends themselves.
    /// </summary>
    [Id(10)]
    public long? PublishedSeq { get; set; }
}
