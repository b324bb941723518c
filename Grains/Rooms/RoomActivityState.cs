namespace OrleansChat.Grains.Rooms;

/// <summary>Stored counters of one room; see <see cref="RoomActivityGrain"/>.</summary>
[GenerateSerializer, Alias("chat.RoomActivityState")]
public sealed class RoomActivityState
{
    [Id(0)] public long LastSeq { get; set; }
    [Id(1)] public long Messages { get; set; }
    [Id(2)] public long Edits { get; set; }
    [Id(3)] public long Deletes { get; set; }
    [Id(4)] public HashSet<string> Members { get; set; } = new(StringComparer.Ordinal);
    [Id(5)] public long Joins { get; set; }
    [Id(6)] public long Leaves { get; set; }
    [Id(7)] public DateTimeOffset? LastEventAt { get; set; }
    [Id(8)] public long ModerationActions { get; set; }
}
