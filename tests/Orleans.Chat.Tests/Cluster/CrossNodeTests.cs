using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Cluster;

/// <summary>Users on different nodes chat as if on one: through nginx (ip_hash spread by source address) and directly.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CrossNodeTests(SharedClusterFixture fixture) : IClassFixture<SharedClusterFixture>
{
    private ChatCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Source_addresses_from_different_24s_land_on_different_nodes()
    {
        var addresses = await BoundSockets.AddressPerNodeAsync(Cluster.Url, 3, seed: 1);

        Assert.Equal(Cluster.Nodes.Select(n => n.NodeId).Order(), addresses.Keys.Order());
    }

    [Fact]
    public async Task Nginx_logs_hub_requests_without_the_token_that_browsers_send_in_the_query()
    {
        var token = $"secret-{Guid.NewGuid():N}";
        var agent = $"log-probe-{Guid.NewGuid():N}";
        using var http = new HttpClient { Timeout = TestIds.Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Cluster.Url}/hubs/chat/negotiate?negotiateVersion=1&access_token={token}");
        request.Headers.UserAgent.ParseAdd(agent);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        var line = "";
        await Poll.UntilAsync(() => (line = Cluster.Nginx.ReadAccessLog().Split('\n').FirstOrDefault(l => l.Contains(agent, StringComparison.Ordinal)) ?? "") != "",
            TestIds.Timeout, () => "nginx did not log the request");
        Assert.Contains("/hubs/chat/negotiate", line);
        Assert.Contains(" 401 ", line);
        Assert.DoesNotContain(token, line);
    }

    [Fact]
    public async Task Room_messages_reach_members_on_every_node_through_nginx_and_directly()
    {
        var room = TestIds.Room();
        var clients = new List<TestChatClient>();
        try
        {
            var addresses = await BoundSockets.AddressPerNodeAsync(Cluster.Url, 3, seed: 2);
            foreach (var (_, address) in addresses)
            {
                var local = address;
                clients.Add(await TestChatClient.ConnectAsync(Cluster.Url, TestIds.User("via-nginx"),
                    b => b.Services.Configure<HttpConnectionOptions>(o => BoundSockets.Use(o, local))));
            }

            foreach (var node in Cluster.Nodes)
            {
                clients.Add(await TestChatClient.ConnectAsync(node.Url, TestIds.User("direct")));
            }

            foreach (var client in clients)
            {
                await client.JoinAsync(room);
            }

            foreach (var sender in clients)
            {
                var sent = await sender.SendAsync(room, $"hello from {sender.UserId}");
                var seq = sent.GetProperty("seq").GetInt64();
                foreach (var receiver in clients)
                {
                    var got = await receiver.WaitForAsync("message", m => m.GetProperty("roomId").GetString() == room && m.GetProperty("seq").GetInt64() == seq);
                    Assert.Equal(sender.UserId, got.GetProperty("senderId").GetString());
                }
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Direct_messages_cross_nodes()
    {
        await using var alice = await TestChatClient.ConnectAsync(Cluster.Nodes[0].Url, TestIds.User("alice"));
        await using var bob = await TestChatClient.ConnectAsync(Cluster.Nodes[2].Url, TestIds.User("bob"));

        var sent = await alice.InvokeAsync<JsonElement>("SendDirect", bob.UserId, "dm-1", "psst");
        var got = await bob.WaitForAsync("message", m => m.GetProperty("clientMsgId").GetString() == "dm-1");

        Assert.Equal(sent.GetProperty("roomId").GetString(), got.GetProperty("roomId").GetString());
        Assert.Equal("psst", got.GetProperty("text").GetString());
        var reply = await bob.InvokeAsync<JsonElement>("SendDirect", alice.UserId, "dm-2", "hi back");
        await alice.WaitForAsync("message", m => m.GetProperty("seq").GetInt64() == reply.GetProperty("seq").GetInt64() && m.GetProperty("clientMsgId").GetString() == "dm-2");
    }

    [Fact]
    public async Task Presence_and_typing_cross_nodes()
    {
        var room = TestIds.Room();
        await using var watcher = await TestChatClient.ConnectAsync(Cluster.Nodes[1].Url, TestIds.User("watcher"));
        await watcher.JoinAsync(room);
        var typistId = TestIds.User("typist");
        await using (var first = await TestChatClient.ConnectAsync(Cluster.Nodes[0].Url, typistId))
        {
            await first.JoinAsync(room);
        }

        await watcher.WaitForAsync("presence", p => p.GetProperty("userId").GetString() == typistId && !p.GetProperty("online").GetBoolean());

        await using var typist = await TestChatClient.ConnectAsync(Cluster.Nodes[2].Url, typistId);
        await watcher.WaitForAsync("presence", p => p.GetProperty("userId").GetString() == typistId && p.GetProperty("online").GetBoolean());

        await typist.InvokeAsync("Typing", room);
        var typing = await watcher.WaitForAsync("typing", t => t.GetProperty("roomId").GetString() == room);
        Assert.Equal(typistId, typing.GetProperty("userId").GetString());
    }

    [Fact]
    public async Task Operator_endpoints_are_not_reachable_through_the_public_port()
    {
        foreach (var path in new[] { "/dashboard/", "/dashboard", "/metrics", "/cluster" })
        {
            // The refusal itself: a check for "not OK" would also pass with nginx or the node down.
            var throughNginx = await Http.StatusAsync($"{Cluster.Url}{path}");
            Assert.True(throughNginx == HttpStatusCode.NotFound, $"{path} through nginx answered {(int)throughNginx}");
            var onPublicPort = await Http.StatusAsync($"{Cluster.Nodes[0].Url}{path}");
            Assert.True(onPublicPort == HttpStatusCode.NotFound, $"{path} on the node's public port answered {(int)onPublicPort}");
        }

        Assert.True(await Http.IsOkAsync($"http://127.0.0.1:{Cluster.Nodes[0].InternalPort}/metrics"), "metrics missing on the internal port");
        var view = await ChatCluster.ClusterViewAsync(Cluster.Nodes[0]);
        Assert.Equal(3, view?.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("status").GetString() == "Active"));
    }

    [Fact]
    public async Task Health_through_nginx_names_the_node_that_answered()
    {
        var body = await Http.GetStringAsync($"{Cluster.Url}/health");

        Assert.NotNull(body);
        var node = JsonDocument.Parse(body).RootElement.GetProperty("node").GetString();
        Assert.Contains(node, Cluster.Nodes.Select(n => n.NodeId));
    }
}
