using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OrleansChat.Bench.Reporting;

/// <summary>Writes a run as NAME.json (everything), NAME.md (the step table) and NAME.tsv (the timeline the plots draw).</summary>
public static class ResultWriter
{
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static void Write(RunResult run, string directory)
    {
        Directory.CreateDirectory(directory);
        var stem = Path.Combine(directory, run.Name);
        File.WriteAllText(stem + ".json", JsonSerializer.Serialize(run, Json));
        File.WriteAllText(stem + ".md", Markdown(run));
        File.WriteAllText(stem + ".tsv", Timeline(run));
        Console.WriteLine($"results: {stem}.json .md .tsv");
    }

    public static RunResult Read(string path) =>
        JsonSerializer.Deserialize<RunResult>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} holds no run result");

    public static string Markdown(RunResult run)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"### {run.Name} — {run.Target}, {run.Scenario}, {run.StartedUtc}, commit {run.Commit}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Settings: {string.Join(", ", run.Settings.Select(kv => $"{kv.Key}={kv.Value}"))}. " +
            $"Connections held {run.ConnectionsHeld}, failed {run.ConnectionsFailed}.");
        if (run.ServerBytesPerConnection.Count > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"RSS growth per held connection: {string.Join(", ", run.ServerBytesPerConnection.Select(kv => $"{kv.Key} {kv.Value / 1024:0.0} KB"))}.");
        }

        md.AppendLine();
        md.AppendLine("| step | conn | sent/s | acked/s | delivered/s | of expected | ack p50/p99 ms | deliver p50/p90/p99/max ms | connect p99 ms | server µs/dlv (above idle) | gen µs/msg | CPU cores | RSS MB | ooo | dup | gaps | errors | pass |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---|");
        foreach (var s in run.Steps)
        {
            var cpu = string.Join(" ", s.CpuCores.Select(kv => $"{kv.Key} {kv.Value:0.00}"));
            var rss = string.Join(" ", s.RssMb.Select(kv => $"{kv.Key} {kv.Value:0}"));
            var gaps = s.Counts.GetValueOrDefault("SenderGaps") + s.Counts.GetValueOrDefault("SeqGaps");
            var errors = s.Errors.Values.Sum();
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Label} | {s.Connected} | {s.SentPerSec:0} | {s.AckedPerSec:0} | {s.DeliveredPerSec:0} | {s.DeliveryRatio:P1} | {s.Ack.P50}/{s.Ack.P99} | {s.Deliver.P50}/{s.Deliver.P90}/{s.Deliver.P99}/{s.Deliver.Max} | {s.Connect.P99} | {s.ServerMicrosPerDelivery} ({s.ServerMarginalMicrosPerDelivery}) | {s.GeneratorMicrosPerMessage} | {cpu} | {rss} | {s.Counts.GetValueOrDefault("OutOfOrder")} | {s.Counts.GetValueOrDefault("Duplicates")} | {gaps} | {errors} | {(s.Passed ? "yes" : "no")} |");
        }

        var errorKinds = run.Steps.SelectMany(s => s.Errors).GroupBy(kv => kv.Key).Select(g => $"{g.Key} ×{g.Sum(kv => kv.Value)}").ToList();
        if (errorKinds.Count > 0)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Errors by kind: {string.Join("; ", errorKinds)}.");
        }

        md.AppendLine();
        return md.ToString();
    }

    private static string Timeline(RunResult run)
    {
        var groups = run.Timeline.SelectMany(r => r.CpuCores.Keys).Distinct().Order().ToList();
        var tsv = new StringBuilder();
        tsv.AppendLine("seconds\tconnected\tsent\tacked\tdelivered\tack_p99\tdeliver_p50\tdeliver_p99\t" + string.Join('\t', groups.Select(g => "cpu_" + g)) + "\t" + string.Join('\t', groups.Select(g => "rss_" + g)) + "\tphase");
        foreach (var r in run.Timeline)
        {
            tsv.Append(CultureInfo.InvariantCulture, $"{r.Seconds}\t{r.Connected}\t{r.SentPerSec}\t{r.AckedPerSec}\t{r.DeliveredPerSec}\t{r.AckP99Ms}\t{r.DeliverP50Ms}\t{r.DeliverP99Ms}");
            foreach (var g in groups)
            {
                tsv.Append(CultureInfo.InvariantCulture, $"\t{r.CpuCores.GetValueOrDefault(g)}");
            }

            foreach (var g in groups)
            {
                tsv.Append(CultureInfo.InvariantCulture, $"\t{r.RssMb.GetValueOrDefault(g)}");
            }

            tsv.AppendLine("\t" + r.Phase.Replace(' ', '_'));
        }

        return tsv.ToString();
    }
}
