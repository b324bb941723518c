using System.Diagnostics;
using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansChat.Tests.Cluster;

/// <summary>The local launcher itself (scripts/cluster.sh): start, status, health, scale up and down under traffic, stop.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LauncherScaleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Scale_to_4_then_to_2_under_traffic_loses_no_acknowledged_message()
    {
        var launcher = new LocalLauncher(output, new Dictionary<string, string> { ["CHAT_NODE_ARGS"] = "--Chat:Edge:DrainTimeout=00:00:02" });
        var url = launcher.Url;
        try
        {
            await launcher.RunAsync("start", "3");
            var clock = Stopwatch.StartNew();
            var addresses = await BoundSockets.AddressPerNodeAsync(url, 3, seed: 60);
            var traffic = await ChatTraffic.StartUsersAsync(addresses.Values.Select(a => ChattingUser.ConnectAsync(url, TestIds.User("sc"), a, clock)), roomCount: 3);
            using var stop = new CancellationTokenSource();
            var running = traffic.RunAsync(stop.Token);

            await launcher.RunAsync("scale", "4");
            Assert.Equal(4, CountActive(await launcher.RunAsync("status")));
            var afterUp = traffic.Acknowledged;
            await Poll.UntilAsync(() => traffic.Acknowledged >= afterUp + 15, TestIds.Timeout, () => "traffic stalled after scale 4");

            await launcher.RunAsync("scale", "2");
            var afterDown = traffic.Acknowledged;
            await Poll.UntilAsync(() => traffic.Acknowledged >= afterDown + 15, TestIds.Timeout, () => "traffic stalled after scale 2");
            var status = await launcher.RunAsync("status");
            Assert.Equal(2, CountActive(status));
            await launcher.RunAsync("health");

            await stop.CancelAsync();
            await running.WaitAsync(TestIds.Timeout);
            await traffic.VerifyAsync(() => status);
            output.WriteLine(status);
        }
        finally
        {
            await launcher.StopAsync();
        }
    }

    /// <summary>Nodes whose own silo reports itself Active in the status table (NODE STATE CONNECTIONS RESTARTS ID SILO).</summary>
    private static int CountActive(string status) =>
        status.Split('\n').Count(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var node, "Active", _, _, _, _] && node.StartsWith("chat-", StringComparison.Ordinal));
}
