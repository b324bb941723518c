using OrleansChat.Edge.Routing;
using OrleansChat.Rooms;
using OrleansChat.Users;

namespace OrleansChat.Edge.Hubs;

/// <summary>
/// Answers <c>GetRooms</c>: room ids and read positions from the user's grain, last seqs from what
/// this node's feeds already know. A connected user's node follows every room of that user, so a
/// list of thousands of rooms costs one grain call per page, not one per room; only a room whose
/// feed is not live here (a subscribe still on its way) is asked, and those are at most a page.
/// </summary>
public sealed class RoomList(IGrainFactory grains, ChatNode node)
{
    public async Task<IReadOnlyList<RoomSummary>> GetPageAsync(string userId, string? afterRoomId, int limit)
    {
        var reads = await grains.GetGrain<IUserGrain>(userId).GetRoomReads(afterRoomId, limit);
        var lastSeqs = await Task.WhenAll(reads.Select(r => node.KnownLastSeq(r.RoomId) is { } known
            ? Task.FromResult(known)
            : grains.GetGrain<IRoomGrain>(r.RoomId).GetLastSeq()));
        return reads.Select((r, i) =>
        {
            var lastRead = Math.Min(r.LastRead, lastSeqs[i]);
            return new RoomSummary(r.RoomId, lastSeqs[i], lastRead, lastSeqs[i] - lastRead);
        }).ToList();
    }
}
