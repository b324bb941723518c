namespace OrleansChat.Rooms;

/// <summary>
/// Counters of what happened in a room, built only from the room's event stream
/// (<see cref="ChatNames.RoomEventsNamespace"/>): the stream's consumer of record.
/// </summary>
[GenerateSerializer, Immutable, Alias("chat.RoomActivity")]
public sealed record RoomActivity(
    [property: Id(0)] string RoomId,
    [property: Id(1)] long LastSeq,
    [property: Id(2)] long Messages,
    [property: Id(3)] long Edits,
    [property: Id(4)] long Deletes,
    [property: Id(5)] int Members,
    [property: Id(6)] long Joins,
    [property: Id(7)] long Leaves,
    [property: Id(8)] DateTimeOffset? LastEventAt,
    [property: Id(9)] long ModerationActions = 0);

/// <summary>Keyed by room id; activated by the room's event stream (implicit subscription).</summary>
[Alias("chat.IRoomActivityGrain")]
public interface IRoomActivityGrain : IGrainWithStringKey
{
    [Alias("GetActivity")]
    Task<RoomActivity> GetActivity();
}
