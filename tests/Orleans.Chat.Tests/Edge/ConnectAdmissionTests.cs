using System.Net;
using System.Net.WebSockets;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Edge;

/// <summary>
/// A node under a storm of connects admits them at the rate it serves (<c>Chat:Edge:MaxConnectsInFlight</c>,
/// <c>Chat:Edge:ConnectQueueLength</c>), refuses the rest at once with 503 and <c>Retry-After</c>,
/// lets them all in as they retry, and keeps serving the clients it already has.
/// </summary>
public sealed class ConnectAdmissionTests
{
    private const int Burst = 20;

    [Fact]
    public async Task A_burst_beyond_the_admission_limit_is_refused_with_a_retry_hint_and_gets_in_on_retry_while_connected_users_chat()
    {
        await using var node = await EdgeProcess.StartAsync(new Dictionary<string, string>
        {
            ["Chat:Edge:MaxConnectsInFlight"] = "1",
            ["Chat:Edge:ConnectQueueLength"] = "0",
        });
        var room = TestIds.Room("storm");
        await using var alice = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("alice"));
        await using var bob = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("bob"));
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);

        // A socket that upgraded and has not finished its connect step holds the node's one place
        // (it never sends the SignalR handshake, so its step never ends while it stays open).
        using var stalled = new ClientWebSocket();
        var stalledToken = await TestChatClient.GetTokenAsync(node.BaseUrl, TestIds.User("slow"));
        await stalled.ConnectAsync(new Uri($"{node.BaseUrl.Replace("http", "ws", StringComparison.Ordinal)}/hubs/chat?access_token={stalledToken}"), CancellationToken.None).WaitAsync(TestIds.Timeout);

        // The burst: every connect is refused at once, with the status, the header and the words.
        var users = Enumerable.Range(0, Burst).Select(i => TestIds.User($"storm{i}")).ToList();
        var refusals = await Task.WhenAll(users.Select(u => TestChatClient.TryUpgradeAsync(node.BaseUrl, u)));
        Assert.All(refusals, r =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, r.Status);
            Assert.Equal("2", r.RetryAfter);
            Assert.Contains("retry in 2 s", r.Body);
        });

        // Connected users are served meanwhile.
        await ExchangeAsync(alice, bob, room, "during the refusals");

        // The place frees up; the burst retries (with jitter, as clients do) and every client gets in,
        // while alice and bob keep chatting.
        await stalled.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(TestIds.Timeout);
        var connecting = users.Select(ConnectWithRetriesAsync).ToList();
        await ExchangeAsync(alice, bob, room, "during the retries");
        var clients = await Task.WhenAll(connecting).WaitAsync(TimeSpan.FromSeconds(60));
        try
        {
            Assert.Equal(Burst, clients.Length);
            await ExchangeAsync(alice, bob, room, "after the burst");
            Assert.False(node.HasExited);
        }
        finally
        {
            foreach (var (client, _) in clients)
            {
                await client.DisposeAsync();
            }
        }

        async Task<(TestChatClient Client, int Refusals)> ConnectWithRetriesAsync(string userId)
        {
            for (var refusals = 0; ; refusals++)
            {
                try
                {
                    return (await TestChatClient.ConnectAsync(node.BaseUrl, userId), refusals);
                }
                catch (Exception ex) when (IsRefusal(ex) && refusals < 200)
                {
                    // A jittered pause, short for the test (clients wait the hinted 2 s and more).
                    await Task.Delay(Random.Shared.Next(20, 120));
                }
            }
        }
    }

    private static async Task ExchangeAsync(TestChatClient from, TestChatClient to, string room, string text)
    {
        var sent = await from.SendAsync(room, text);
        var received = await to.WaitForAsync("message", m => m.GetProperty("seq").GetInt64() == sent.GetProperty("seq").GetInt64());
        Assert.Equal(text, received.GetProperty("text").GetString());
    }

    private static bool IsRefusal(Exception ex) =>
        ex is WebSocketException or HttpRequestException && ex.ToString().Contains("503", StringComparison.Ordinal);
}
