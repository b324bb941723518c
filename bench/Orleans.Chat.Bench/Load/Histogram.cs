namespace OrleansChat.Bench.Load;

/// <summary>
/// A latency histogram in microseconds with log-spaced buckets (4 % wide), safe to record from many
/// threads. Workers ship the non-empty buckets; the coordinator merges them, so percentiles over all
/// processes are exact to the bucket width.
/// </summary>
public sealed class Histogram
{
    public const int BucketCount = 512;
    private const double Scale = 25.49; // 1 / ln(1.04)
    private readonly long[] _counts = new long[BucketCount];
    private long _max;

    public static int BucketOf(double micros) => micros < 1 ? 0 : Math.Min(BucketCount - 1, (int)(Math.Log(micros) * Scale));

    /// <summary>Upper edge of a bucket: percentiles are reported pessimistically.</summary>
    public static double UpperEdge(int bucket) => Math.Exp((bucket + 1) / Scale);

    public void Record(double micros)
    {
        Interlocked.Increment(ref _counts[BucketOf(micros)]);
        var value = (long)micros;
        var seen = Volatile.Read(ref _max);
        while (value > seen)
        {
            var prior = Interlocked.CompareExchange(ref _max, value, seen);
            if (prior == seen)
            {
                break;
            }

            seen = prior;
        }
    }

    public void Add(int bucket, long count) => _counts[bucket] += count;

    public void AddMax(long max) => _max = Math.Max(_max, max);

    public void Merge(Histogram other)
    {
        for (var i = 0; i < BucketCount; i++)
        {
            _counts[i] += other._counts[i];
        }

        _max = Math.Max(_max, other._max);
    }

    /// <summary>Takes the counts recorded so far and starts again from zero.</summary>
    public (List<long[]> Buckets, long Max) Drain()
    {
        var buckets = new List<long[]>();
        for (var i = 0; i < BucketCount; i++)
        {
            var count = Interlocked.Exchange(ref _counts[i], 0);
            if (count > 0)
            {
                buckets.Add([i, count]);
            }
        }

        return (buckets, Interlocked.Exchange(ref _max, 0));
    }

    public long Count => _counts.Sum();

    public long Max => _max;

    /// <summary>The value below which <paramref name="fraction"/> of samples lie, in milliseconds; 0 when empty.</summary>
    public double PercentileMs(double fraction)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(total * fraction);
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(UpperEdge(i), Math.Max(_max, 1)) / 1000.0;
            }
        }

        return _max / 1000.0;
    }
}
