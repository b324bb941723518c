using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Orleans.Chat.Edge.RateLimiting;

/// <summary>
/// A token bucket per user on this node. Limits follow the user, not the address, since many users
/// share NATs. A user connected to two nodes at once gets each node's allowance; the contract only
/// promises a minimum, and keeping the check local keeps a grain call off the send path.
/// </summary>
public sealed class UserRateLimiter(IOptions<RateLimitOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly double _burst = options.Value.Burst;
    private readonly double _perSecond = options.Value.PerSecond;

    /// <summary>Takes one send from the user's bucket; when empty, says how long until the next one is allowed.</summary>
    public bool TryAcquire(string userId, out TimeSpan retryAfter)
    {
        var bucket = _buckets.GetOrAdd(userId, _ => new Bucket(_burst, time.GetTimestamp()));
        lock (bucket)
        {
            var now = time.GetTimestamp();
            var elapsed = time.GetElapsedTime(bucket.Stamp, now).TotalSeconds;
            bucket.Tokens = Math.Min(_burst, bucket.Tokens + elapsed * _perSecond);
            bucket.Stamp = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = TimeSpan.FromSeconds((1 - bucket.Tokens) / _perSecond);
            return false;
        }
    }

    /// <summary>Drops buckets that have refilled completely; they hold nothing a new bucket would not.</summary>
    public void Trim()
    {
        var now = time.GetTimestamp();
        foreach (var (userId, bucket) in _buckets)
        {
            lock (bucket)
            {
                if (bucket.Tokens + time.GetElapsedTime(bucket.Stamp, now).TotalSeconds * _perSecond >= _burst)
                {
                    _buckets.TryRemove(userId, out _);
                }
            }
        }
    }

    public int TrackedUsers => _buckets.Count;

    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens { get; set; } = tokens;

        public long Stamp { get; set; } = stamp;
    }
}
