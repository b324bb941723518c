using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansChat.Tests.Cluster;

/// <summary>The local launcher brings a crashed node back by itself, and says so in status.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LauncherSupervisionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_node_killed_with_sigkill_is_restarted_rejoins_and_status_counts_the_restart()
    {
        var launcher = new LocalLauncher(output, new Dictionary<string, string> { ["CHAT_RESTART_BACKOFF"] = "1" });
        try
        {
            await launcher.RunAsync("start", "2");
            var pidFile = Path.Combine(launcher.RunDir, "nodes", "1", "pid");
            var victim = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);

            System.Diagnostics.Process.GetProcessById(victim).Kill();
            await Poll.UntilAsync(
                async () => File.Exists(pidFile) && File.ReadAllText(pidFile).Trim() != victim.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    && (await launcher.TryRunAsync("health")).ExitCode == 0,
                TimeSpan.FromSeconds(90),
                () => "chat-1 did not come back healthy\n" + File.ReadAllText(Path.Combine(launcher.RunDir, "nodes", "1", "node.log")));

            var status = await launcher.RunAsync("status");
            var row = status.Split('\n').Single(l => l.StartsWith("chat-1 ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("1", row[3]);
            // It rejoined the cluster: the other node sees two Active silos (the dead one's entry is declared Dead).
            await Poll.UntilAsync(
                async () => (await launcher.RunAsync("status")).Split('\n').Count(l => l.TrimEnd().EndsWith("  Active", StringComparison.Ordinal) && l.StartsWith("  S", StringComparison.Ordinal)) == 2,
                TimeSpan.FromSeconds(60),
                () => "membership does not show two active silos");
            Assert.Contains("exited with 137; restart 1", await launcher.RunAsync("logs", "chat-1"));
        }
        finally
        {
            await launcher.StopAsync();
        }
    }
}
