using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansChat.Tests.Cluster;

/// <summary>
/// Redis, which holds the local cluster's membership, grain state and history, killed with kill -9
/// and started again under traffic, twice: what users on every node notice.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StoreOutageTests(ITestOutputHelper output)
{
    /// <summary>The outage the issue describes: long enough for every kind of call to meet the dead store.</summary>
    private static readonly TimeSpan OutageLength = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Redis_killed_under_traffic_loses_nothing_names_every_refusal_keeps_serving_connections_and_recovers()
    {
        await using var cluster = await ChatCluster.StartAsync(3, durableStore: true);
        var clock = Stopwatch.StartNew();
        var addresses = await BoundSockets.AddressPerNodeAsync(cluster.Url, 3, seed: 23);
        Assert.Equal(3, addresses.Count);
        var traffic = await ChatTraffic.StartUsersAsync(
            addresses.Values.SelectMany(a => Enumerable.Range(0, 3).Select(_ => ChattingUser.ConnectAsync(cluster.Url, TestIds.User("so"), a, clock))).ToList(),
            roomCount: 3);

        // Live events that need no store: typing, and presence when a user's connection goes and comes back.
        var watcher = traffic.Users[^1];
        var typing = new ConcurrentQueue<string>();
        var presence = new ConcurrentQueue<(string User, bool Online)>();
        watcher.Connection.On<JsonElement>("typing", e => typing.Enqueue(e.GetProperty("userId").GetString() ?? ""));
        watcher.Connection.On<JsonElement>("presence", e => presence.Enqueue((e.GetProperty("userId").GetString() ?? "", e.GetProperty("online").GetBoolean())));

        using var stop = new CancellationTokenSource();
        var running = traffic.RunAsync(stop.Token);
        await Poll.UntilAsync(() => traffic.Acknowledged >= 30, TestIds.Timeout, () => $"only {traffic.Acknowledged} acknowledged before the outage");

        var report = new List<string>();
        var joinedDuringOutage = new List<ChattingUser>();
        for (var round = 1; round <= 2; round++)
        {
            var killedAt = clock.Elapsed;
            await cluster.KillStoreAsync();
            var phases = new List<string>();
            void Phase(string name) => phases.Add($"{name} {(clock.Elapsed - killedAt).TotalSeconds:0.0} s");

            // Every node notices and says so, and stays in rotation.
            await Poll.UntilAsync(async () => await AllAsync(cluster, n => ReadyIsAsync(n, HttpStatusCode.ServiceUnavailable)), TimeSpan.FromSeconds(20),
                () => "not every node reported the store down on /ready\n" + cluster.Logs());
            Phase("not ready");
            using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            foreach (var node in cluster.Nodes)
            {
                var (status, body) = await OutageVisits.GetAsync(probe, $"{node.Url}/health");
                Assert.True(status == HttpStatusCode.OK, $"node {node.Number} /health answered {status} during the store outage: {body}");
                Assert.Contains("\"status\":\"degraded\"", body);
                Assert.Contains("\"store\":\"unreachable\"", body);
            }

            // New visitors load the page and connect through nginx on every node.
            var outage = await OutageVisits.VisitAsync(cluster, addresses.Values, clock, killedAt + OutageLength);
            Assert.True(outage.Failures.Count == 0, $"round {round}: {outage.Failures.Count} page loads or connects failed during the outage: {string.Join("; ", outage.Failures.Take(10))}");
            joinedDuringOutage.AddRange(outage.Users);
            Phase("visits done");

            // Typing and presence still reach the other users live.
            var typist = traffic.Users[round];
            await typist.Connection.InvokeAsync("Typing", traffic.Rooms[0]).WaitAsync(TestIds.Timeout);
            await Poll.UntilAsync(() => typing.Contains(typist.UserId), TestIds.Timeout, () => $"round {round}: typing of {typist.UserId} did not arrive during the outage");
            Phase("typing seen");
            var leaver = traffic.Users[0];
            presence.Clear();
            await leaver.Connection.StopAsync().WaitAsync(TestIds.Timeout);
            await Poll.UntilAsync(() => presence.Contains((leaver.UserId, false)), TestIds.Timeout, () => $"round {round}: {leaver.UserId} going offline was not seen during the outage");
            await leaver.Connection.StartAsync().WaitAsync(TestIds.Timeout);
            await Poll.UntilAsync(() => presence.Contains((leaver.UserId, true)), TestIds.Timeout, () => $"round {round}: {leaver.UserId} coming back was not seen during the outage");
            Phase("presence seen");
            var storeDownFor = clock.Elapsed - killedAt;

            await cluster.RestartStoreAsync();
            var answeredAt = clock.Elapsed;

            // Every room takes sends again, with nothing restarted but Redis.
            await Poll.UntilAsync(() => traffic.Rooms.All(r => OutageVisits.FirstAckAfter(traffic, r, answeredAt) is not null), TimeSpan.FromSeconds(30),
                () => $"round {round}: rooms still refusing sends after Redis came back\n" + cluster.Logs());
            await Poll.UntilAsync(async () => await AllAsync(cluster, n => ReadyIsAsync(n, HttpStatusCode.OK)), TimeSpan.FromSeconds(30),
                () => $"round {round}: not every node ready again\n" + cluster.Logs());
            var readyAt = clock.Elapsed;
            var firstAck = traffic.Rooms.Select(r => OutageVisits.FirstAckAfter(traffic, r, answeredAt) ?? TimeSpan.Zero).ToList();
            report.Add($"round {round}: store down {storeDownFor.TotalSeconds:0.0} s; after it answered: first ack {(firstAck.Min() - answeredAt).TotalSeconds:0.00} s, "
                + $"every room {(firstAck.Max() - answeredAt).TotalSeconds:0.00} s, every node ready {(readyAt - answeredAt).TotalSeconds:0.00} s; "
                + $"{outage.PageLoads} page loads and {outage.Users.Count} connects through nginx during the outage, none failed; "
                + $"after the kill: {string.Join(", ", phases)}");
        }

        await stop.CancelAsync();
        await running.WaitAsync(TestIds.Timeout);
        await traffic.VerifyAsync(cluster.Logs);

        // Those who connected while the store was down were served once it answered.
        foreach (var user in joinedDuringOutage)
        {
            await user.JoinAsync(traffic.Rooms[0]);
            Assert.Equal(HubConnectionState.Connected, user.Connection.State);
            await user.DisposeAsync();
        }

        var refusals = traffic.Users.SelectMany(u => u.Refusals).Select(r => r.Message).ToList();
        var unnamed = refusals.Where(r => !OutageVisits.IsNamed(r)).ToList();
        Assert.True(unnamed.Count == 0, $"{unnamed.Count} refusals without a cause: {string.Join(" | ", unnamed.Distinct().Take(5))}");

        foreach (var line in report)
        {
            output.WriteLine(line);
        }

        output.WriteLine($"{traffic.Acknowledged} acknowledged of {traffic.Attempts} attempts, 0 lost; {refusals.Count} refused: "
            + string.Join(", ", refusals.GroupBy(OutageVisits.Cause).Select(g => $"{g.Count()} \"{g.Key}\"")));
    }

    private static async Task<bool> ReadyIsAsync(NodeSlot node, HttpStatusCode expected)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return (await OutageVisits.GetAsync(http, $"{node.Url}/ready")).Status == expected;
    }

    private static async Task<bool> AllAsync(ChatCluster cluster, Func<NodeSlot, Task<bool>> check) =>
        (await Task.WhenAll(cluster.Nodes.Select(check))).All(ok => ok);
}
