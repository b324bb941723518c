using OrleansChat.Bench.Load;
using OrleansChat.Bench.Reporting;

namespace OrleansChat.Bench.Coordination;

/// <summary>Turns two snapshots and the latencies between them into rates, percentiles and CPU costs.</summary>
public static class StepMath
{
    private const double Mb = 1024 * 1024;

    /// <summary>
    /// RSS growth per held connection, or null when it cannot be read from this run: nothing held, or
    /// the process shrank (the GC gave back start-up memory while the clients connected), which would
    /// otherwise show as a negative memory cost per connection.
    /// </summary>
    public static double? BytesPerConnection(long rssBeforeBytes, double rssAfterMb, long held)
    {
        var growth = rssAfterMb * Mb - rssBeforeBytes;
        return held > 0 && growth >= 0 ? Math.Round(growth / held) : null;
    }

    /// <param name="idleServerCores">Server CPU with clients connected and silent; what is above it is the cost of the traffic.</param>
    public static StepResult Measure(string label, double rate, Snapshot a, Snapshot b, LatencySet latency, int fanout, BenchOptions? judge, double idleServerCores = 0)
    {
        var seconds = Math.Max(0.001, b.Seconds - a.Seconds);
        double PerSec(Counter c) => (b[c] - a[c]) / seconds;
        var delivered = b[Counter.Delivered] - a[Counter.Delivered];
        var sent = b[Counter.Sent] - a[Counter.Sent];
        var expected = PerSec(Counter.Acked) * fanout;
        var ratio = expected > 0 ? PerSec(Counter.Delivered) / expected : 0;
        var cpu = b.Groups.ToDictionary(g => g.Key, g => Math.Round((g.Value.CpuMicros - a.Groups.GetValueOrDefault(g.Key).CpuMicros) / 1e6 / seconds, 3));
        var rss = b.Groups.ToDictionary(g => g.Key, g => Math.Round(g.Value.RssBytes / Mb, 1));
        var serverCpu = CpuMicros(a, b, Coordinator.ServerGroup);
        var generatorCpu = CpuMicros(a, b, Coordinator.GeneratorGroup);
        var deliverP99 = latency.Deliver.PercentileMs(0.99);
        var passed = judge is not null && delivered > 0 && deliverP99 <= judge.MaxP99Ms && ratio >= judge.MinDeliveryRatio;
        return new StepResult(label, rate, Math.Round(seconds, 1), b.Connected,
            Math.Round(PerSec(Counter.Sent)), Math.Round(PerSec(Counter.Acked)), Math.Round(PerSec(Counter.Delivered)), Math.Round(expected), Math.Round(ratio, 4),
            ToLatency(latency.Ack), ToLatency(latency.Deliver), ToLatency(latency.Connect),
            cpu, rss,
            delivered > 0 ? Math.Round(serverCpu / delivered, 2) : 0,
            delivered > 0 ? Math.Round(Math.Max(0, serverCpu - idleServerCores * seconds * 1e6) / delivered, 2) : 0,
            delivered + sent > 0 ? Math.Round(generatorCpu / (delivered + sent), 2) : 0,
            Delta(a.Totals, b.Totals), Delta(a.Errors, b.Errors), passed);
    }

    public static TimelineRow Row(string phase, Snapshot a, Snapshot b, LatencySet latency)
    {
        var seconds = Math.Max(0.001, b.Seconds - a.Seconds);
        double PerSec(Counter c) => Math.Round((b[c] - a[c]) / seconds);
        return new TimelineRow(Math.Round(b.Seconds, 1), phase, b.Connected, PerSec(Counter.Sent), PerSec(Counter.Acked), PerSec(Counter.Delivered),
            Math.Round(latency.Ack.PercentileMs(0.99), 2), Math.Round(latency.Deliver.PercentileMs(0.5), 2), Math.Round(latency.Deliver.PercentileMs(0.99), 2),
            b.Groups.ToDictionary(g => g.Key, g => Math.Round((g.Value.CpuMicros - a.Groups.GetValueOrDefault(g.Key).CpuMicros) / 1e6 / seconds, 3)),
            b.Groups.ToDictionary(g => g.Key, g => Math.Round(g.Value.RssBytes / Mb, 1)));
    }

    private static double CpuMicros(Snapshot a, Snapshot b, string group) =>
        b.Groups.GetValueOrDefault(group).CpuMicros - a.Groups.GetValueOrDefault(group).CpuMicros;

    private static Latency ToLatency(Histogram h) =>
        new(Math.Round(h.PercentileMs(0.5), 2), Math.Round(h.PercentileMs(0.9), 2), Math.Round(h.PercentileMs(0.99), 2), Math.Round(h.Max / 1000.0, 2), h.Count);

    private static Dictionary<string, long> Delta(Dictionary<string, long> a, Dictionary<string, long> b) =>
        b.Where(kv => kv.Value - a.GetValueOrDefault(kv.Key) != 0).ToDictionary(kv => kv.Key, kv => kv.Value - a.GetValueOrDefault(kv.Key));
}
