namespace OrleansChat.Edge.Routing;

/// <summary>The outcome of <see cref="LocalRoutes.ApplyRooms"/>.</summary>
public sealed record RoomsChange(
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Removed,
    IReadOnlyList<string> Emptied,
    IReadOnlyList<string> AllRooms,
    IReadOnlyList<string> Connections);
