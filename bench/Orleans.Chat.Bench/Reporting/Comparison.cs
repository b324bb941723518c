using System.Globalization;
using System.Text;

namespace OrleansChat.Bench.Reporting;

/// <summary>Puts an Orleans.Chat run and a baseline run of the same scenario side by side, with ratios.</summary>
public static class Comparison
{
    public static string Markdown(RunResult ours, RunResult baseline)
    {
        var a = ours.BestPassing ?? ours.Steps.LastOrDefault();
        var b = baseline.BestPassing ?? baseline.Steps.LastOrDefault();
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"## {ours.Scenario}: {ours.Name} vs {baseline.Name}");
        md.AppendLine();
        md.AppendLine("Best step that met the bounds (or the last step when none did).");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"| figure | {ours.Target} | {baseline.Target} | ratio |");
        md.AppendLine("|---|---:|---:|---:|");
        Row(md, "connections held", ours.ConnectionsHeld, baseline.ConnectionsHeld);
        Row(md, "connections failed", ours.ConnectionsFailed, baseline.ConnectionsFailed);
        if (ours.Steps.FirstOrDefault(s => s.Label == "connect") is { } oc && baseline.Steps.FirstOrDefault(s => s.Label == "connect") is { } bc)
        {
            Row(md, "connect (token + upgrade + join) p50 ms", oc.Connect.P50, bc.Connect.P50);
            Row(md, "connect p99 ms", oc.Connect.P99, bc.Connect.P99);
        }

        if (a is not null && b is not null)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| step | {a.Label} | {b.Label} | |");
            Row(md, "deliveries/s (higher is better)", a.DeliveredPerSec, b.DeliveredPerSec);
            Row(md, "acked sends/s", a.AckedPerSec, b.AckedPerSec);
            Row(md, "deliver p50 ms", a.Deliver.P50, b.Deliver.P50);
            Row(md, "deliver p99 ms", a.Deliver.P99, b.Deliver.P99);
            Row(md, "ack p99 ms", a.Ack.P99, b.Ack.P99);
            Row(md, "server CPU µs per delivery (lower is better)", a.ServerMicrosPerDelivery, b.ServerMicrosPerDelivery);
            Row(md, "server CPU µs per delivery above idle", a.ServerMarginalMicrosPerDelivery, b.ServerMarginalMicrosPerDelivery);
            Row(md, "server CPU cores", a.CpuCores.GetValueOrDefault("server"), b.CpuCores.GetValueOrDefault("server"));
            Row(md, "server RSS MB", a.RssMb.GetValueOrDefault("server"), b.RssMb.GetValueOrDefault("server"));
            Row(md, "generator µs per message", a.GeneratorMicrosPerMessage, b.GeneratorMicrosPerMessage);
        }

        Row(md, "out-of-order deliveries (whole run)", Sum(ours, "OutOfOrder"), Sum(baseline, "OutOfOrder"));
        Row(md, "of which against the room seq (whole run)", Sum(ours, "SeqOutOfOrder"), Sum(baseline, "SeqOutOfOrder"));
        Row(md, "duplicate deliveries (whole run)", Sum(ours, "Duplicates"), Sum(baseline, "Duplicates"));
        Row(md, "messages lost (sender gaps, whole run)", Sum(ours, "SenderGaps"), Sum(baseline, "SenderGaps"));
        Row(md, "messages recovered by resume", Sum(ours, "Resumed"), Sum(baseline, "Resumed"));
        if (ours.Steps.FirstOrDefault(s => s.Label == "idle") is { } oi && baseline.Steps.FirstOrDefault(s => s.Label == "idle") is { } bi)
        {
            Row(md, "server CPU cores, connected and idle", oi.CpuCores.GetValueOrDefault("server"), bi.CpuCores.GetValueOrDefault("server"));
        }

        Row(md, "errors (whole run)", ours.Steps.Sum(s => s.Errors.Values.Sum()), baseline.Steps.Sum(s => s.Errors.Values.Sum()));
        foreach (var (group, bytes) in ours.ServerBytesPerConnection.Where(kv => kv.Key == "server"))
        {
            Row(md, "server RSS growth per connection KB", bytes / 1024, baseline.ServerBytesPerConnection.GetValueOrDefault(group) / 1024);
        }

        md.AppendLine();
        return md.ToString();
    }

    private static long Sum(RunResult run, string counter) => run.Steps.Sum(s => s.Counts.GetValueOrDefault(counter));

    private static void Row(StringBuilder md, string name, double ours, double baseline)
    {
        var ratio = baseline != 0 ? (ours / baseline).ToString("0.00", CultureInfo.InvariantCulture) + "×" : "–";
        md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {ours:0.##} | {baseline:0.##} | {ratio} |");
    }
}
