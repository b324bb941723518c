using OrleansChat.Messages;
using OrleansChat.Users;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>A user's rooms for grain tests, read the way the hub's room list reads them (page after page).</summary>
public static class UserGrainRooms
{
    /// <summary>Every room id of the user, in ordinal order.</summary>
    public static async Task<IReadOnlyList<string>> RoomIds(this IUserGrain user)
    {
        var rooms = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await user.GetRoomReads(after, ChatLimits.MaxRoomsPage).WaitAsync(TestIds.Timeout);
            rooms.AddRange(page.Select(r => r.RoomId));
            if (page.Count < ChatLimits.MaxRoomsPage)
            {
                return rooms;
            }

            after = page[^1].RoomId;
        }
    }
}
