using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace OrleansChat.Tests.Cluster;

/// <summary>
/// What one connect (token, upgrade, handshake, the hub's connect step with its routing to every room
/// of the user and the presence notice) and one <c>JoinRoom</c> cost on a 3-node cluster, counted:
/// grain and node calls by method, message store calls, Redis commands. The counts are printed for
/// docs/architecture.md and bounded here, so a change that adds calls to these paths fails.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ConnectCostTests(ITestOutputHelper output)
{
    private const int ManyRooms = 50;
    private const int StormSize = 200;

    [Fact]
    public async Task A_connect_and_a_join_cost_a_bounded_number_of_calls_for_one_room_and_for_fifty()
    {
        // No periodic resubscription during the count: it would add a subscribe per room now and then.
        await using var cluster = await ChatCluster.StartAsync(3, new Dictionary<string, string> { ["Chat:Edge:ResubscribeInterval"] = "01:00:00" });
        await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.RedisConnectionString + ",allowAdmin=true");
        var server = redis.GetServers()[0];
        var (first, second, third) = (cluster.Nodes[0].Url, cluster.Nodes[1].Url, cluster.Nodes[2].Url);

        // The rooms exist and are active, with a member online on the first node (a busy cluster).
        var rooms = Enumerable.Range(0, ManyRooms).Select(i => TestIds.Room($"cost{i}")).ToList();
        var hostId = TestIds.User("host");
        await using var host = await TestChatClient.ConnectAsync(first, hostId);
        foreach (var room in rooms)
        {
            await host.JoinAsync(room);
        }

        // 1. A user's first connect (no rooms yet), on a node that follows none of the rooms.
        var oneId = TestIds.User("one");
        var (firstConnect, one) = await MeasureAsync(cluster, server, "first connect, no rooms", () => ConnectAsync(second, oneId));

        // 2. That user joins one room.
        var (join, _) = await MeasureAsync(cluster, server, "JoinRoom", () => one.JoinAsync(rooms[0]));
        await one.DisposeAsync();
        await DisconnectedAsync(cluster, 1);
        await SettleAsync(cluster, server);

        // 3. The user, now in 1 room, connects again on the third node (which follows none of the rooms).
        var (oneRoom, again) = await MeasureAsync(cluster, server, "connect, 1 room", () => ConnectAsync(third, oneId));
        await again.DisposeAsync();
        await DisconnectedAsync(cluster, 1);
        await SettleAsync(cluster, server);

        // 4. A user in 50 rooms connects on the third node, which again follows none of them.
        var manyId = TestIds.User("many");
        await using (var many = await ConnectAsync(second, manyId))
        {
            foreach (var room in rooms)
            {
                await many.JoinAsync(room);
            }
        }

        await DisconnectedAsync(cluster, 1);
        await SettleAsync(cluster, server);
        var (fiftyRooms, manyAgain) = await MeasureAsync(cluster, server, $"connect, {ManyRooms} rooms", () => ConnectAsync(third, manyId));
        await manyAgain.DisposeAsync();

        // A storm: many first connects at once on one node. How many notices each call carries
        // depends on timing, so it is printed, not asserted.
        await DisconnectedAsync(cluster, 1);
        var stormBefore = await SettleAsync(cluster, server);
        var notices = await NoticesAsync(cluster);
        var storm = await Task.WhenAll(Enumerable.Range(0, StormSize).Select(i => ConnectAsync(second, TestIds.User($"storm{i}"))));
        var stormAfter = await SettleAsync(cluster, server);
        var noticesAfter = await NoticesAsync(cluster);
        output.WriteLine($"storm of {StormSize} first connects on one node:\n{stormAfter.Describe(stormBefore)}\n  notices handed to nodes (the own node in memory included): {noticesAfter.Sent - notices.Sent}, calls that carried them to other nodes: {noticesAfter.Calls - notices.Calls}");
        foreach (var client in storm)
        {
            await client.DisposeAsync();
        }

        // Bounds: the user grain once; a subscribe per room the node does not follow yet; one
        // batch of notices (user activated, presence) to each other node, none to the own node (in
        // memory); at most one node directory read on a silo that did not know the nodes yet.
        // Before the notices were batched per node and the joining node routed itself from the
        // join's answer, the counts were 5, 4, 5 and 54 (a call per node for each notice, and the
        // user grain calling the joining node back).
        Assert.Equal(1, firstConnect.Calls("IUserGrain.Connect"));
        Assert.Equal(2, firstConnect.Calls("IChatNode.OnNotices"));
        Assert.True(firstConnect.Total <= 4, firstConnect.Text);
        Assert.Equal(1, join.Calls("IUserGrain.JoinRoomFrom"));
        Assert.Equal(1, join.Calls("IRoomGrain.Join"));
        Assert.Equal(0, join.Calls("IChatNode.ApplyUserRooms"));
        Assert.True(join.Total <= 4, join.Text);
        Assert.Equal(1, oneRoom.Calls("IRoomGrain.Subscribe"));
        // Its presence may come later: within 5 s of the user's last presence change (here the
        // disconnect just before) the user grain holds the change to the window's end
        // (UserGrain.PresenceWindow), which can fall after this measurement.
        Assert.InRange(oneRoom.Calls("IChatNode.OnNotices"), 0, 2);
        Assert.True(oneRoom.Total <= 4, oneRoom.Text);
        Assert.Equal(ManyRooms, fiftyRooms.Calls("IRoomGrain.Subscribe"));
        Assert.True(fiftyRooms.Total <= ManyRooms + 3, fiftyRooms.Text);
        Assert.Equal(0, fiftyRooms.StoreCalls);
    }

    private async Task<(Cost Cost, T Result)> MeasureAsync<T>(ChatCluster cluster, IServer redis, string what, Func<Task<T>> operation)
    {
        var before = await SettleAsync(cluster, redis);
        var result = await operation();
        var after = await SettleAsync(cluster, redis);
        var cost = new Cost(after, before);
        output.WriteLine($"{what}:\n{cost.Text}");
        return (cost, result);
    }

    /// <summary>Node notices handed to nodes and the calls that carried them to other nodes, over the cluster.</summary>
    private static async Task<(double Sent, double Calls)> NoticesAsync(ChatCluster cluster)
    {
        double sent = 0, calls = 0;
        foreach (var node in cluster.Nodes)
        {
            var scrape = await PrometheusText.ScrapeAsync($"http://127.0.0.1:{node.InternalPort}/metrics");
            sent += scrape.Sum("chat_notices_sent_total");
            calls += scrape.Sum("chat_notices_calls_total");
        }

        return (sent, calls);
    }

    private static Task DisconnectedAsync(ChatCluster cluster, int stillOpen) =>
        Poll.UntilAsync(async () =>
        {
            double open = 0;
            foreach (var node in cluster.Nodes)
            {
                open += (await PrometheusText.ScrapeAsync($"http://127.0.0.1:{node.InternalPort}/metrics")).Sum("chat_connections_current");
            }

            return open == stillOpen;
        }, TestIds.Timeout, () => "a closed connection is still counted open");

    /// <summary>Snapshots until two in a row show the same chat calls: one-way announcements may land after the operation returned.</summary>
    private static async Task<ClusterCounts> SettleAsync(ChatCluster cluster, IServer redis)
    {
        // The exporter answers scrapes from a cache for a short while, so snapshots compared are a second apart.
        var last = await ClusterCounts.TakeAsync(cluster, redis);
        var lastAt = DateTime.UtcNow;
        await Poll.UntilAsync(async () =>
        {
            if (DateTime.UtcNow - lastAt < TimeSpan.FromSeconds(1))
            {
                return false;
            }

            var now = await ClusterCounts.TakeAsync(cluster, redis);
            var quiet = now.ChatCallsSince(last).Count == 0 && now.Connections == last.Connections;
            (last, lastAt) = (now, DateTime.UtcNow);
            return quiet;
        }, TestIds.Timeout, () => "the cluster's calls did not settle");
        return last;
    }

    /// <summary>
    /// Token, upgrade, handshake and the connect step. The unknown method's answer comes only once
    /// the connect step is done (SignalR runs hub calls after it), and it costs no grain call.
    /// </summary>
    private static async Task<TestChatClient> ConnectAsync(string url, string userId)
    {
        var client = await TestChatClient.ConnectWithoutCallsAsync(url, userId);
        await Assert.ThrowsAsync<HubException>(() => client.Connection.InvokeAsync("NoSuchMethod")).WaitAsync(TestIds.Timeout);
        return client;
    }

    private sealed class Cost(ClusterCounts after, ClusterCounts before)
    {
        private readonly IReadOnlyDictionary<string, double> _calls = after.ChatCallsSince(before);

        public double Total => _calls.Values.Sum();

        public double StoreCalls => after.StoreCalls - before.StoreCalls;

        public string Text => after.Describe(before);

        public double Calls(string key) => _calls.GetValueOrDefault(key);
    }
}
