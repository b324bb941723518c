using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// The official .NET SignalR client against a real node, recording every event as raw JSON so tests
/// check the wire format the contract names, not our own types.
/// </summary>
public sealed class TestChatClient : IAsyncDisposable
{
    public static readonly string[] EventNames =
        [
            "message", "memberJoined", "memberLeft", "typing", "read", "presence", "messageEdited", "messageDeleted",
            "roomUpdated", "invited", "roleChanged", "memberKicked", "memberBanned", "memberUnbanned", "memberMuted", "memberUnmuted",
        ];

    private readonly Channel<ChatEvent> _incoming = Channel.CreateUnbounded<ChatEvent>();
    private readonly List<ChatEvent> _seen = [];

    private TestChatClient(HubConnection connection, string userId)
    {
        Connection = connection;
        UserId = userId;
        foreach (var name in EventNames)
        {
            connection.On<JsonElement>(name, payload => _incoming.Writer.TryWrite(new ChatEvent(name, payload)));
        }
    }

    public HubConnection Connection { get; }

    public string UserId { get; }

    public static async Task<string> GetTokenAsync(string baseUrl, string userId)
    {
        using var http = new HttpClient { Timeout = TestIds.Timeout };
        using var response = await http.PostAsJsonAsync($"{baseUrl}/api/auth/dev-token", new { userId });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("accessToken").GetString() ?? throw new InvalidOperationException("no token");
    }

    /// <summary>A raw upgrade request, so that the refusal's status, header and text can be read.</summary>
    public static async Task<(HttpStatusCode Status, string? RetryAfter, string Body)> TryUpgradeAsync(string baseUrl, string userId)
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

    public static async Task<TestChatClient> ConnectAsync(string baseUrl, string userId, Action<IHubConnectionBuilder>? configure = null)
    {
        var client = await ConnectWithoutCallsAsync(baseUrl, userId, configure);

        // Hub calls are handled only after the server's connect step, so one round trip means this
        // connection is routed to all of the user's rooms.
        await client.InvokeAsync<JsonElement>("GetRooms");
        return client;
    }

    /// <summary>Token, upgrade and handshake, and no hub call: the server's connect step may still be running.</summary>
    public static async Task<TestChatClient> ConnectWithoutCallsAsync(string baseUrl, string userId, Action<IHubConnectionBuilder>? configure = null)
    {
        var token = await GetTokenAsync(baseUrl, userId);
        var builder = new HubConnectionBuilder()
            .WithUrl($"{baseUrl}/hubs/chat", o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            });
        configure?.Invoke(builder);
        var client = new TestChatClient(builder.Build(), userId);
        await client.Connection.StartAsync().WaitAsync(TestIds.Timeout);
        return client;
    }

    public async Task<T> InvokeAsync<T>(string method, params object?[] args) =>
        await Connection.InvokeCoreAsync<T>(method, args).WaitAsync(TestIds.Timeout);

    public async Task InvokeAsync(string method, params object?[] args) =>
        await Connection.InvokeCoreAsync(method, args).WaitAsync(TestIds.Timeout);

    public Task<JsonElement> JoinAsync(string roomId) => InvokeAsync<JsonElement>("JoinRoom", roomId);

    public Task<JsonElement> SendAsync(string roomId, string text, string? clientMsgId = null) =>
        InvokeAsync<JsonElement>("SendMessage", roomId, clientMsgId ?? Guid.NewGuid().ToString("N"), text);

    /// <summary>Waits for the next event (in arrival order) that matches; earlier non-matching events stay recorded.</summary>
    public async Task<JsonElement> WaitForAsync(string name, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TestIds.Timeout);
        lock (_seen)
        {
            var found = _seen.FindIndex(e => e.Name == name && (match is null || match(e.Payload)));
            if (found >= 0)
            {
                var hit = _seen[found];
                _seen.RemoveAt(found);
                return hit.Payload;
            }
        }

        try
        {
            while (true)
            {
                var next = await _incoming.Reader.ReadAsync(cts.Token);
                if (next.Name == name && (match is null || match(next.Payload)))
                {
                    return next.Payload;
                }

                lock (_seen)
                {
                    _seen.Add(next);
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{UserId} got no '{name}' event that matched within {timeout ?? TestIds.Timeout}");
        }
    }

    /// <summary>Events of one name received so far and not taken by a wait (drains pending events into the record).</summary>
    public IReadOnlyList<JsonElement> Received(string name)
    {
        lock (_seen)
        {
            while (_incoming.Reader.TryRead(out var next))
            {
                _seen.Add(next);
            }

            return _seen.Where(e => e.Name == name).Select(e => e.Payload).ToList();
        }
    }

    /// <summary>Messages of a room received so far (drains pending events into the record).</summary>
    public IReadOnlyList<JsonElement> ReceivedMessages(string roomId)
    {
        lock (_seen)
        {
            while (_incoming.Reader.TryRead(out var next))
            {
                _seen.Add(next);
            }

            return _seen.Where(e => e.Name == "message" && e.Payload.GetProperty("roomId").GetString() == roomId)
                .Select(e => e.Payload).ToList();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync().AsTask().WaitAsync(TestIds.Timeout);
    }

    public readonly record struct ChatEvent(string Name, JsonElement Payload);
}
