using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Edge;

/// <summary>A node at <c>Chat:Edge:MaxConnections</c> refuses the next WebSocket with a 503 and keeps serving the ones it has.</summary>
public sealed class ConnectionLimitTests
{
    [Fact]
    public async Task A_full_node_refuses_the_next_socket_with_503_and_keeps_serving_its_clients()
    {
        await using var node = await EdgeProcess.StartAsync(new Dictionary<string, string> { ["Chat:Edge:MaxConnections"] = "2" });
        var room = TestIds.Room("full");
        await using var alice = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("alice"));
        // Bob is on Server-Sent Events: his stream holds a place, and each of his sends is a request of its own.
        var bob = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("bob"), b => b.Services.Configure<HttpConnectionOptions>(o =>
        {
            o.Transports = HttpTransportType.ServerSentEvents;
            o.SkipNegotiation = false;
        }));
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);

        var (status, retryAfter, body) = await TestChatClient.TryUpgradeAsync(node.BaseUrl, TestIds.User("carol"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("1", retryAfter);
        Assert.Contains("maximum of 2 connections", body);

        // Server-Sent Events and long polling hold a socket as long as a WebSocket does: their
        // negotiate step is refused the same way.
        using (var http = new HttpClient { Timeout = TestIds.Timeout })
        {
            using var tokenResponse = await http.PostAsync($"{node.BaseUrl}/api/auth/dev-token",
                new StringContent($"{{\"userId\":\"{TestIds.User("dave")}\"}}", System.Text.Encoding.UTF8, "application/json"));
            var token = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString();
            using var negotiate = new HttpRequestMessage(HttpMethod.Post, $"{node.BaseUrl}/hubs/chat/negotiate?negotiateVersion=1");
            negotiate.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var refused = await http.SendAsync(negotiate);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Contains("maximum of 2 connections", await refused.Content.ReadAsStringAsync());
        }

        // The two connected clients are untouched: a message still goes from one to the other.
        var sent = await alice.SendAsync(room, "still here");
        var received = await bob.WaitForAsync("message", m => m.GetProperty("seq").GetInt64() == sent.GetProperty("seq").GetInt64());
        Assert.Equal("still here", received.GetProperty("text").GetString());
        var reply = await bob.SendAsync(room, "me too");
        Assert.Equal("me too", (await alice.WaitForAsync("message", m => m.GetProperty("seq").GetInt64() == reply.GetProperty("seq").GetInt64())).GetProperty("text").GetString());

        // A leaving client frees its place for the next one.
        await bob.DisposeAsync();
        await using var carol = await ConnectOnceFreedAsync(node.BaseUrl, TestIds.User("carol"));
        Assert.Equal(JsonValueKind.Array, (await carol.InvokeAsync<JsonElement>("GetRooms")).ValueKind);
        Assert.False(node.HasExited);
    }

    [Fact]
    public async Task One_user_cannot_take_more_than_their_share_of_a_node()
    {
        await using var node = await EdgeProcess.StartAsync(new Dictionary<string, string> { ["Chat:Edge:MaxConnectionsPerUser"] = "2" });
        var aliceId = TestIds.User("alice");
        await using var tab1 = await TestChatClient.ConnectAsync(node.BaseUrl, aliceId);
        await using var tab2 = await TestChatClient.ConnectAsync(node.BaseUrl, aliceId);

        var (status, _, body) = await TestChatClient.TryUpgradeAsync(node.BaseUrl, aliceId);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Contains("maximum of 2 connections", body);

        // Other users are not affected, and alice's connections still work.
        await using var bob = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("bob"));
        Assert.Equal(JsonValueKind.Array, (await tab1.InvokeAsync<JsonElement>("GetRooms")).ValueKind);
        Assert.Equal(JsonValueKind.Array, (await tab2.InvokeAsync<JsonElement>("GetRooms")).ValueKind);
    }

    /// <summary>
    /// The server lets go of a closed socket a moment after the client's close completes; until then
    /// the node is still full and answers 503, which is the only failure retried here.
    /// </summary>
    private static async Task<TestChatClient> ConnectOnceFreedAsync(string baseUrl, string userId)
    {
        var deadline = DateTime.UtcNow + TestIds.Timeout;
        while (true)
        {
            try
            {
                return await TestChatClient.ConnectAsync(baseUrl, userId);
            }
            catch (Exception ex) when (DateTime.UtcNow < deadline && IsRefusal(ex))
            {
            }
        }
    }

    private static bool IsRefusal(Exception ex) =>
        ex is WebSocketException or HttpRequestException && ex.ToString().Contains("503", StringComparison.Ordinal);
}
