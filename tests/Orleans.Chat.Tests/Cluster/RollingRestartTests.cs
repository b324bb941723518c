using System.Diagnostics;
using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansChat.Tests.Cluster;

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
        var connecting = addresses.Values.SelectMany(a => new[] { ChattingUser.ConnectAsync(cluster.Url, TestIds.User("rr"), a, clock), ChattingUser.ConnectAsync(cluster.Url, TestIds.User("rr"), a, clock) }).ToList();
        var traffic = await ChatTraffic.StartUsersAsync(connecting, roomCount: 3);
        var users = await Task.WhenAll(connecting);

        using var stop = new CancellationTokenSource();
        var running = traffic.RunAsync(stop.Token);
        foreach (var node in cluster.Nodes)
        {
            var before = traffic.Acknowledged;
            await Poll.UntilAsync(() => traffic.Acknowledged >= before + 15, TestIds.Timeout, () => $"traffic stalled before restarting node {node.Number}\n{cluster.Logs()}");
            await cluster.StopAsync(node);
            Assert.Contains("Drained", node.LastOutput, StringComparison.Ordinal);
            output.WriteLine(string.Join('\n', node.LastOutput.Split('\n').Where(l => l.Contains("Drain", StringComparison.Ordinal))));
            await cluster.StartNodeAsync(node);
        }

        var afterAll = traffic.Acknowledged;
        await Poll.UntilAsync(() => traffic.Acknowledged >= afterAll + 20, TestIds.Timeout, () => $"traffic stalled after the restarts\n{cluster.Logs()}");
        await stop.CancelAsync();
        await running.WaitAsync(TestIds.Timeout);

        await traffic.VerifyAsync(cluster.Logs);

        // Every user sat on some node when it drained, was asked to move (the request is written
        // while the node still runs, before anything closes) and moved.
        Assert.All(users, u => Assert.True(u.Reconnects >= 1, $"{u.UserId} never moved"));
        Assert.All(users, u => Assert.True(u.ReconnectRequests >= 1, $"{u.UserId} never got a reconnect request from a draining node"));
        output.WriteLine($"reconnect requests per user: {string.Join(", ", users.Select(u => u.ReconnectRequests))}");
        output.WriteLine($"{traffic.Acknowledged} acknowledged of {traffic.Attempts} attempts across 3 restarts");
    }
}
