namespace OrleansChat.Grains.Users;

[GenerateSerializer, Alias("chat.UserState")]
public sealed class UserState
{
    [Id(0)]
    public HashSet<string> Rooms { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The highest seq the user marked read, per room.</summary>
    [Id(1)]
    public Dictionary<string, long> LastRead { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Grows with every change of <see cref="Rooms"/>, so nodes can tell a newer list from an older one.</summary>
    [Id(2)]
    public long RoomsVersion { get; set; }

    /// <summary>Users whose direct messages this user refuses; each direct room holds a copy of its side.</summary>
    [Id(3)]
    public HashSet<string> Blocked { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The UTC day (<see cref="DateOnly.DayNumber"/>) that <see cref="NewDirectCount"/> counts.</summary>
    [Id(4)]
    public int NewDirectDay { get; set; }

    /// <summary>Direct conversations the user started on <see cref="NewDirectDay"/>.</summary>
    [Id(5)]
    public int NewDirectCount { get; set; }
}
