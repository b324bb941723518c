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

    /// <summary>Users who may delete others' messages: the room's creator.</summary>
    [Id(1)]
    public HashSet<string> Moderators { get; set; } = new(StringComparer.Ordinal);

    [Id(2)]
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>
    /// Every message up to this seq is on the room's event stream; on activation the room hands the
    /// store's messages after it to the stream relay again. Saved now and then, so it may lag what
    /// was published (a resume then publishes some messages twice), never lead it. Null for a room
    /// stored before the relay existed: its history was published by the sends themselves.
    /// </summary>
    [Id(3)]
    public long? PublishedSeq { get; set; }
}
