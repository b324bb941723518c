namespace OrleansChat.Bench.Reporting;

public sealed record Latency(double P50, double P90, double P99, double Max, long Count);

/// <summary>The figures of one measuring window (a rate step, the hold of a ramp, the time after a drop).</summary>
public sealed record StepResult(
    string Label,
    double RatePerClient,
    double Seconds,
    int Connected,
    double SentPerSec,
    double AckedPerSec,
    double DeliveredPerSec,
    double ExpectedPerSec,
    double DeliveryRatio,
    Latency Ack,
    Latency Deliver,
    Latency Connect,
    Dictionary<string, double> CpuCores,
    Dictionary<string, double> RssMb,
    double ServerMicrosPerDelivery,
    double ServerMarginalMicrosPerDelivery,
    double GeneratorMicrosPerMessage,
    Dictionary<string, long> Counts,
    Dictionary<string, long> Errors,
    bool Passed);

/// <summary>One row of the per-second timeline that the plots draw.</summary>
public sealed record TimelineRow(
    double Seconds,
    string Phase,
    int Connected,
    double SentPerSec,
    double AckedPerSec,
    double DeliveredPerSec,
    double AckP99Ms,
    double DeliverP50Ms,
    double DeliverP99Ms,
    Dictionary<string, double> CpuCores,
    Dictionary<string, double> RssMb);

/// <summary>Everything a run produced; written as JSON and read back to compare two runs.</summary>
public sealed record RunResult(
    string Name,
    string Target,
    string Scenario,
    string StartedUtc,
    string Commit,
    Dictionary<string, string> Machine,
    Dictionary<string, string> Settings,
    int ConnectionsHeld,
    long ConnectionsFailed,
    Dictionary<string, double> ServerBytesPerConnection,
    List<StepResult> Steps,
    List<TimelineRow> Timeline)
{
    /// <summary>The highest delivery rate among steps that met the latency and delivery bounds.</summary>
    public StepResult? BestPassing => Steps.Where(s => s.Passed && s.DeliveredPerSec > 0).MaxBy(s => s.DeliveredPerSec);
}
