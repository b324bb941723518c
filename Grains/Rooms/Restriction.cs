namespace OrleansChat.Grains.Rooms;

/// <summary>A ban or mute of one user in one room: who imposed it, until when (null = until lifted) and why.</summary>
[GenerateSerializer, Alias("chat.Restriction")]
public sealed class Restriction
{
    [Id(0)]
    public string By { get; set; } = "";

    [Id(1)]
    public DateTimeOffset? Until { get; set; }

    [Id(2)]
    public string Reason { get; set; } = "";

    public bool IsActive(DateTimeOffset now) => Until is not { } until || until > now;
}
