using OrleansChat.Messages;
using OrleansChat.Rooms;

namespace OrleansChat.Edge.Rooms;

/// <summary>
/// <c>GET /api/rooms/{roomId}/activity</c>: the room's counters as the room event stream delivered
/// them (see <see cref="IRoomActivityGrain"/>). Members only, bearer token required.
/// </summary>
public static class RoomActivityEndpoint
{
    public const string Path = "/api/rooms/{roomId}/activity";

    public static async Task<IResult> Handle(string roomId, HttpContext context, IGrainFactory grains)
    {
        if (!ChatLimits.IsValidRoomId(roomId))
        {
            return Results.BadRequest(new { error = $"invalid room id '{roomId}'" });
        }

        var userId = context.User.FindFirst("sub")?.Value;
        if (userId is null || !await grains.GetGrain<IRoomGrain>(roomId).IsMember(userId))
        {
            return Results.Json(new { error = $"not a member of room {roomId}" }, statusCode: StatusCodes.Status403Forbidden);
        }

        return Results.Ok(await grains.GetGrain<IRoomActivityGrain>(roomId).GetActivity());
    }
}
