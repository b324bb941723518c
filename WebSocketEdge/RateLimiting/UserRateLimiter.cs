using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace OrleansChat.Edge.RateLimiting;

/// <summary>
/// Token buckets per user on this node: one for sends (the contract's promise: a burst of 30, then 5
/// a second), one for the other calls that change something and reach every member (join, leave,
/// typing, read mark, edit, delete), one for reads of the store (history, resume, presence, room
/// list) and one for opening hub connections, so that none can use up another's allowance. Limits follow the
/// user, not the address, since many users share NATs. A user connected to two nodes at once gets each
/// node's allowance; the contract only promises a minimum, and keeping the check local keeps a grain
/// call off the send path.
/// </summary>
public sealed class UserRateLimiter(IOptions<RateLimitOptions> options, TimeProvider time)
{
    private readonly Buckets _sends = new(options.Value.Burst, options.Value.PerSecond, time);
    private readonly Buckets _actions = new(options.Value.ActionBurst, options.Value.ActionsPerSecond, time);
    private readonly Buckets _reads = new(options.Value.ReadBurst, options.Value.ReadsPerSecond, time);
    private readonly Buckets _connects = new(options.Value.ConnectBurst, options.Value.ConnectsPerSecond, time);

    /// <summary>Takes one send from the user's bucket; when empty, says how long until the next one is allowed.</summary>
    public bool TryAcquire(string userId, out TimeSpan retryAfter) => _sends.TryAcquire(userId, out retryAfter);

    /// <summary>The same for a join, leave, typing, read, edit or delete.</summary>
    public bool TryAcquireAction(string userId, out TimeSpan retryAfter) => _actions.TryAcquire(userId, out retryAfter);

    /// <summary>The same for a history, resume, presence or room-list read.</summary>
    public bool TryAcquireRead(string userId, out TimeSpan retryAfter) => _reads.TryAcquire(userId, out retryAfter);

    /// <summary>The same for opening a hub connection.</summary>
    public bool TryAcquireConnect(string userId, out TimeSpan retryAfter) => _connects.TryAcquire(userId, out retryAfter);

    /// <summary>Drops buckets that have refilled completely; they hold nothing a new bucket would not.</summary>
    public void Trim()
    {
        _sends.Trim();
        _actions.Trim();
        _reads.Trim();
        _connects.Trim();
    }

    public int TrackedUsers => _sends.Count + _actions.Count + _reads.Count + _connects.Count;

    private sealed class Buckets(double burst, double perSecond, TimeProvider time)
    {
        private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

        public int Count => _buckets.Count;

        public bool TryAcquire(string userId, out TimeSpan retryAfter)
        {
            var bucket = _buckets.GetOrAdd(userId, _ => new Bucket(burst, time.GetTimestamp()));
            lock (bucket)
            {
                var now = time.GetTimestamp();
                var elapsed = time.GetElapsedTime(bucket.Stamp, now).TotalSeconds;
                bucket.Tokens = Math.Min(burst, bucket.Tokens + elapsed * perSecond);
                bucket.Stamp = now;
                if (bucket.Tokens >= 1)
                {
                    bucket.Tokens -= 1;
                    retryAfter = TimeSpan.Zero;
                    return true;
                }

                retryAfter = TimeSpan.FromSeconds((1 - bucket.Tokens) / perSecond);
                return false;
            }
        }

        public void Trim()
        {
            var now = time.GetTimestamp();
            foreach (var (userId, bucket) in _buckets)
            {
                lock (bucket)
                {
                    if (bucket.Tokens + time.GetElapsedTime(bucket.Stamp, now).TotalSeconds * perSecond >= burst)
                    {
                        _buckets.TryRemove(userId, out _);
                    }
                }
            }
        }
    }

    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens { get; set; } = tokens;

        public long Stamp { get; set; } = stamp;
    }
}
