using System.Collections.Concurrent;

namespace OrleansChat.Edge.RateLimiting;

/// <summary>
/// Lets one typing notice per user and room through this node every <see cref="Interval"/>; the
/// rest are answered as done without reaching the room. A notice costs one write per member
/// connection, so in a 10 000-member room a client calling <c>Typing</c> ten times a second would
/// cost 100 000 socket writes a second; the others' "is typing" indicators need no more than one
/// notice per few seconds to stay lit, so nothing a member sees is lost.
/// </summary>
public sealed class TypingThrottle(TimeProvider time)
{
    /// <summary>How often one user's typing in one room reaches the others (clients show "typing" for about this long).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan TrimEvery = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<(string UserId, string RoomId), long> _lastPassed = new();
    private long _lastTrim = time.GetTimestamp();

    public int Tracked => _lastPassed.Count;

    /// <summary>Whether this notice should reach the room: the first one, and then one per <see cref="Interval"/>.</summary>
    public bool ShouldPass(string userId, string roomId)
    {
        var now = time.GetTimestamp();
        TrimIfDue(now);
        var passed = false;
        _lastPassed.AddOrUpdate(
            (userId, roomId),
            _ =>
            {
                passed = true;
                return now;
            },
            (_, last) =>
            {
                passed = time.GetElapsedTime(last, now) >= Interval;
                return passed ? now : last;
            });
        return passed;
    }

    public void Forget(string userId, string roomId) => _lastPassed.TryRemove((userId, roomId), out _);

    /// <summary>Entries older than the interval hold nothing a new entry would not; dropping them keeps the table to recent typists.</summary>
    private void TrimIfDue(long now)
    {
        var last = Interlocked.Read(ref _lastTrim);
        if (time.GetElapsedTime(last, now) < TrimEvery || Interlocked.CompareExchange(ref _lastTrim, now, last) != last)
        {
            return;
        }

        foreach (var (key, stamp) in _lastPassed)
        {
            if (time.GetElapsedTime(stamp, now) >= Interval)
            {
                _lastPassed.TryRemove(new KeyValuePair<(string, string), long>(key, stamp));
            }
        }
    }
}
