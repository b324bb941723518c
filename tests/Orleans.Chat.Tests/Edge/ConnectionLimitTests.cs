using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Orleans.Chat.Tests.Infrastructure;

namespace Orleans.Chat.Tests.Edge;

/// <summary>A node at <c>Chat:Edge:MaxConnections</c> refuses the next WebSocket with a 503 and keeps serving the ones it has.</summary>
public sealed class ConnectionLimitTests
{
    [Fact]
    public async Task A_full_node_refuses_the_next_socket_with_503_and_keeps_serving_its_clients()
    {
        await using var node = await EdgeProcess.StartAsync(new Dictionary<string, string> { ["Chat:Edge:MaxConnections"] = "2" });
        var room = TestIds.Room("full");
        await using var alice = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("alice"));
        var bob = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("bob"));
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);

        var (status, retryAfter, body) = await TryUpgradeAsync(node.BaseUrl, TestIds.User("carol"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("1", retryAfter);
        Assert.Contains("maximum of 2 connections", body);

        // The two connected clients are untouched: a message still goes from one to the other.
        var sent = await alice.SendAsync(room, "still here");
        var received = await bob.WaitForAsync("message", m => m.GetProperty("seq").GetInt64() == sent.GetProperty("seq").GetInt64());
        Assert.Equal("still here", received.GetProperty("text").GetString());

        // A leaving client frees its place for the next one.
        await bob.DisposeAsync();
        await using var carol = await ConnectOnceFreedAsync(node.BaseUrl, TestIds.User("carol"));
        Assert.Equal(JsonValueKind.Array, (await carol.InvokeAsync<JsonElement>("GetRooms")).ValueKind);
        Assert.False(node.HasExited);
    }

    /// <summary>A raw upgrade request, so that the refusal's status, header and text can be read.</summary>
    private static async Task<(HttpStatusCode Status, string? RetryAfter, string Body)> TryUpgradeAsync(string baseUrl, string userId)
    {
        var token = await TestChatClient.GetTokenAsync(baseUrl, userId);
        using var http = new HttpClient { Timeout = TestIds.Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{baseUrl}/hubs/chat?access_token={token}");
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        using var response = await http.SendAsync(request);
        return (response.StatusCode, response.Headers.RetryAfter?.ToString(), await response.Content.ReadAsStringAsync());
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
