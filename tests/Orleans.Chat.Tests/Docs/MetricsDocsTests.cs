using System.Reflection;
using System.Text.RegularExpressions;
using OrleansChat.Telemetry;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Docs;

/// <summary>docs/operations.md's metrics table and the code's instrument names are the same list.</summary>
public sealed partial class MetricsDocsTests
{
    [Fact]
    public void The_metrics_table_lists_exactly_the_instruments_of_the_code()
    {
        var code = CodeNames().ToHashSet(StringComparer.Ordinal);
        var docs = TableRow().Matches(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "operations.md")))
            .Select(m => m.Groups["name"].Value)
            .ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(code);
        Assert.True(code.SetEquals(docs),
            $"in the code, not in docs/operations.md: {string.Join(", ", code.Except(docs))}; in the docs, not in ChatMetricNames: {string.Join(", ", docs.Except(code))}");
    }

    [Fact]
    public void The_grafana_board_queries_only_series_the_nodes_publish()
    {
        var board = File.ReadAllText(Path.Combine(RepoPaths.Root, "monitoring", "grafana", "dashboards", "orleans-chat.json"));
        var published = CodeNames().Select(name => name.Replace('.', '_')).ToList();
        var queried = ChatSeries().Matches(board).Select(m => m.Value).Distinct().ToList();

        Assert.NotEmpty(queried);
        var unknown = queried.Where(series => !published.Any(p => series == p || (series.StartsWith(p + "_", StringComparison.Ordinal) && IsSuffix(series[(p.Length + 1)..])))).ToList();
        Assert.True(unknown.Count == 0, "the board queries series no node publishes: " + string.Join(", ", unknown));
    }

    /// <summary>What the Prometheus exporter appends: a unit, <c>_total</c>, and a histogram's parts.</summary>
    private static bool IsSuffix(string suffix) =>
        suffix is "total" or "bucket" or "sum" or "count" or "seconds" or "seconds_bucket" or "seconds_sum" or "seconds_count";

    private static IEnumerable<string> CodeNames() =>
        typeof(ChatMetricNames).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);

    [GeneratedRegex(@"\bchat_[a-z_]+")]
    private static partial Regex ChatSeries();

    /// <summary>A row of the metrics table: its first cell is the instrument name in backticks.</summary>
    [GeneratedRegex(@"^\| `(?<name>chat\.[a-z_.]+)` \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
