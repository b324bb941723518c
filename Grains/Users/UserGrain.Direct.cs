using System.Globalization;
using OrleansChat.Messages;
using OrleansChat.Rooms;

namespace OrleansChat.Grains.Users;

/// <summary>Starting direct conversations: how many new ones a user may start per UTC day.</summary>
public sealed partial class UserGrain
{
    public async Task<JoinResult> StartDirect(string roomId)
    {
        ChatLimits.EnsureRoomId(roomId);
        if (!ChatLimits.IsDirectRoom(roomId))
        {
            throw new ChatException($"room {roomId} is not a direct conversation");
        }

        CountIfNewDirect(roomId);
        return await JoinRoom(roomId);
    }

    /// <summary>
    /// Counted before the join: a refused start stores nothing, for the sender or the recipient. A
    /// start whose join then fails still counts (it is written with the user's next state change),
    /// so failing joins are no way around the limit.
    /// </summary>
    private void CountIfNewDirect(string roomId)
    {
        ChatLimits.EnsureRoomId(roomId);
        if (!ChatLimits.IsDirectRoom(roomId) || state.State.Rooms.Contains(roomId))
        {
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        if (state.State.NewDirectDay != today.DayNumber)
        {
            state.State.NewDirectDay = today.DayNumber;
            state.State.NewDirectCount = 0;
        }

        var max = limits.Value.MaxNewDirectPerDay;
        if (state.State.NewDirectCount >= max)
        {
            var untilTomorrow = today.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - now;
            var seconds = Math.Ceiling(untilTomorrow.TotalSeconds).ToString("0.0", CultureInfo.InvariantCulture);
            throw new ChatException(
                $"rate limit exceeded: at most {max} new direct conversations a day (UTC), retry in {seconds} s",
                ChatErrorCode.RateLimited);
        }

        state.State.NewDirectCount++;
    }
}
