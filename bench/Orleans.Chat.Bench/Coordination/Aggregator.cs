using OrleansChat.Bench.Load;

namespace OrleansChat.Bench.Coordination;

/// <summary>All workers' counters summed, plus the process samples, at one instant.</summary>
public sealed record Snapshot(double Seconds, int Connected, Dictionary<string, long> Totals, Dictionary<string, long> Errors, Dictionary<string, GroupSample> Groups)
{
    public long this[Counter counter] => Totals.GetValueOrDefault(counter.ToString());
}

/// <summary>The three latency histograms over some span of time.</summary>
public sealed class LatencySet
{
    public Histogram Ack { get; } = new();

    public Histogram Deliver { get; } = new();

    public Histogram Connect { get; } = new();
}

/// <summary>
/// Merges the workers' stat lines. Counters arrive as running totals (latest wins per worker);
/// histograms arrive as deltas and go into the current second and the current measuring window.
/// </summary>
public sealed class Aggregator(int workers)
{
    private readonly WorkerStat?[] _latest = new WorkerStat?[workers];
    private readonly object _lock = new();
    private LatencySet _second = new();
    private LatencySet _window = new();

    public void OnStat(int worker, WorkerStat stat)
    {
        lock (_lock)
        {
            _latest[worker] = stat;
            foreach (var set in new[] { _second, _window })
            {
                Add(set.Ack, stat.Ack);
                Add(set.Deliver, stat.Deliver);
                Add(set.Connect, stat.Connect);
            }
        }
    }

    public Snapshot Take(double seconds, Dictionary<string, GroupSample> groups)
    {
        lock (_lock)
        {
            var totals = new Dictionary<string, long>();
            var errors = new Dictionary<string, long>();
            var connected = 0;
            foreach (var stat in _latest)
            {
                if (stat is null)
                {
                    continue;
                }

                connected += stat.Connected;
                Sum(totals, stat.Totals);
                Sum(errors, stat.Errors);
            }

            return new Snapshot(seconds, connected, totals, errors, groups);
        }
    }

    /// <summary>Returns the latencies recorded since the last call and starts a new second.</summary>
    public LatencySet TakeSecond()
    {
        lock (_lock)
        {
            var second = _second;
            _second = new LatencySet();
            return second;
        }
    }

    /// <summary>Returns the window's latencies and starts a new window.</summary>
    public LatencySet TakeWindow()
    {
        lock (_lock)
        {
            var window = _window;
            _window = new LatencySet();
            return window;
        }
    }

    private static void Add(Histogram into, HistogramDelta delta)
    {
        foreach (var bucket in delta.Buckets)
        {
            into.Add((int)bucket[0], bucket[1]);
        }

        into.AddMax(delta.Max);
    }

    private static void Sum(Dictionary<string, long> into, Dictionary<string, long> from)
    {
        foreach (var (key, value) in from)
        {
            into[key] = into.GetValueOrDefault(key) + value;
        }
    }
}
