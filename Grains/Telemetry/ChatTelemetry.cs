using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansChat.Telemetry;

/// <summary>
/// The chat's meter and activity source. Instruments are created once, statically: with no listener
/// (no <c>/metrics</c>, no tracing) a measurement is a flag check, so the hot path pays nothing.
/// To add an instrument, create it on <see cref="Meter"/> with a name from <see cref="ChatMetricNames"/>
/// and one row in docs/operations.md; the docs test fails until both exist.
/// </summary>
public static class ChatTelemetry
{
    public const string MeterName = "Orleans.Chat";

    public const string ActivitySourceName = "Orleans.Chat";

    public static readonly Meter Meter = new(MeterName);

    /// <summary>Spans of the send path: store calls, fan-out and stream publish (the hub and grain-call spans come from SignalR and Orleans).</summary>
    public static readonly ActivitySource Source = new(ActivitySourceName);

    /// <summary>Latency buckets from 0.5 ms to 10 s: a chat's sends answer in milliseconds, and timeouts sit at seconds.</summary>
    private static readonly double[] SecondsBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>A latency histogram in seconds with buckets fit for chat latencies (the SDK's default buckets assume milliseconds).</summary>
    public static Histogram<double> SecondsHistogram(string name, string description) =>
        Meter.CreateHistogram(name, "s", description, tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    /// <summary>Seconds since <paramref name="startTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/>).</summary>
    public static double SecondsSince(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
}
