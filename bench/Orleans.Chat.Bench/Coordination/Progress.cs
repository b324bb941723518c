using System.Globalization;
using System.Text;
using OrleansChat.Bench.Load;
using OrleansChat.Bench.Reporting;

namespace OrleansChat.Bench.Coordination;

/// <summary>One line per second while running, one line per finished step.</summary>
public static class Progress
{
    public static string DescribeRow(TimelineRow row, Snapshot totals)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"[{row.Seconds,5:0}s] {row.Phase,-16} conn {row.Connected,6} | sent {row.SentPerSec,7:0}/s ack {row.AckedPerSec,7:0}/s dlv {row.DeliveredPerSec,8:0}/s");
        text.Append(CultureInfo.InvariantCulture, $" | ack p99 {row.AckP99Ms,6:0.0} dlv p50 {row.DeliverP50Ms,6:0.0} p99 {row.DeliverP99Ms,6:0.0} ms |");
        foreach (var (group, cores) in row.CpuCores)
        {
            text.Append(CultureInfo.InvariantCulture, $" {group} {cores:0.00}");
        }

        var errors = totals.Errors.Values.Sum();
        text.Append(CultureInfo.InvariantCulture, $" | fail {totals[Counter.ConnectFailed]} err {errors} ooo {totals[Counter.OutOfOrder]} dup {totals[Counter.Duplicates]}");
        return text.ToString();
    }

    public static string DescribeStep(StepResult step) => string.Create(CultureInfo.InvariantCulture,
        $"== {step.Label}: {step.DeliveredPerSec:0}/s delivered ({step.DeliveryRatio:P1} of expected), p50 {step.Deliver.P50} ms p99 {step.Deliver.P99} ms, " +
        $"server {step.ServerMicrosPerDelivery} µs/delivery ({step.ServerMarginalMicrosPerDelivery} above idle), generator {step.GeneratorMicrosPerMessage} µs/message => {(step.Passed ? "PASS" : "over the bounds")}");
}
