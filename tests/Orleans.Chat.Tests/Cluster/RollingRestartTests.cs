using System.Diagnostics;
using Orleans.Chat.Tests.Cluster.Infrastructure;
using Orleans.Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Orleans.Chat.Tests.Cluster;

/// <summary>Every node restarted in turn (SIGTERM: drain, then leave) while clients on all of them keep sending.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RollingRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Rolling_restart_of_all_nodes_under_traffic_loses_no_acknowledged_message()
    {
        await using var cluster = await ChatCluster.StartAsync(3);
        var clock = Stopwatch.StartNew();
        var addresses = await BoundSockets.AddressPerNodeAsync(cluster.Url, 3, seed: 40);
        Assert.Equal(3, addresses.Count);
        var traffic = await ChatTraffic.StartUsersAsync(
            addresses.Values.SelectMany(a => new[] { ChattingUser.ConnectAsync(cluster.Url, TestIds.User("rr"), a, clock), ChattingUser.ConnectAsync(cluster.Url, TestIds.User("rr"), a, clock) }),
            roomCount: 3);

        using var stop = new CancellationTokenSource();
        var running = traffic.RunAsync(stop.Token);
        foreach (var node in cluster.Nodes)
        {
            var before = traffic.Acknowledged;
            await Poll.UntilAsync(() => traffic.Acknowledged >= before + 15, TestIds.Timeout, () => $"traffic stalled before restarting node {node.Number}\n{cluster.Logs()}");
            await cluster.StopAsync(node);
            Assert.Contains("Drained", node.LastOutput, StringComparison.Ordinal);
            await cluster.StartNodeAsync(node);
        }

        var afterAll = traffic.Acknowledged;
        await Poll.UntilAsync(() => traffic.Acknowledged >= afterAll + 20, TestIds.Timeout, () => $"traffic stalled after the restarts\n{cluster.Logs()}");
        await stop.CancelAsync();
        await running.WaitAsync(TestIds.Timeout);

        await traffic.VerifyAsync(cluster.Logs);
        output.WriteLine($"{traffic.Acknowledged} acknowledged of {traffic.Attempts} attempts across 3 restarts");
    }
}
