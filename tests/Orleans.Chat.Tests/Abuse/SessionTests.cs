using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansChat.Edge;
using OrleansChat.Edge.Auth;
using OrleansChat.Silo.Options;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Abuse;

/// <summary>One node with a known signing key, an internal port and a per-user limit of 3, shared by the session tests.</summary>
public sealed class SessionNodeFixture : IAsyncLifetime
{
    public const string SigningKey = "session-tests-signing-key-0123456789abcdef";
    public const int MaxPerUser = 3;

    public EdgeProcess Node { get; private set; } = null!;

    public int InternalPort { get; } = Ports.Free();

    public async Task InitializeAsync() => Node = await EdgeProcess.StartAsync(new Dictionary<string, string>
    {
        ["Chat:Auth:SigningKey"] = SigningKey,
        ["Chat:Edge:InternalPort"] = InternalPort.ToString(CultureInfo.InvariantCulture),
        ["Chat:Edge:Dashboard"] = "false",
        ["Chat:Edge:MaxConnectionsPerUser"] = MaxPerUser.ToString(CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

/// <summary>Sessions end: tokens expire connections, operators close them, and sockets count from their upgrade.</summary>
public sealed class SessionTests(SessionNodeFixture fixture) : IClassFixture<SessionNodeFixture>
{
    private string BaseUrl => fixture.Node.BaseUrl;

    [Fact]
    public async Task A_connection_closes_when_its_token_expires()
    {
        // A token with ten seconds left (room for a slow connect), signed as the node's own issuer would.
        var auth = new AuthOptions { SigningKey = SessionNodeFixture.SigningKey, TokenLifetime = TimeSpan.FromMinutes(1) };
        var issuer = new TokenIssuer(Options.Create(auth), new FakeTimeProvider(DateTimeOffset.UtcNow - TimeSpan.FromSeconds(50)));
        var (token, _) = issuer.Issue(TestIds.User("expiring"));
        var connection = new HubConnectionBuilder()
            .WithUrl($"{BaseUrl}/hubs/chat", o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await connection.StartAsync().WaitAsync(TestIds.Timeout);
        await using var other = await TestChatClient.ConnectAsync(BaseUrl, TestIds.User("other"));

        // The token's remaining life plus the node's once-a-second expiry check, on a loaded machine.
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10) + TestIds.Timeout);

        Assert.Equal(HubConnectionState.Disconnected, connection.State);
        // A connection with a fresh token is untouched.
        Assert.Equal(JsonValueKind.Array, (await other.InvokeAsync<JsonElement>("GetRooms")).ValueKind);
        await connection.DisposeAsync();
    }

    [Fact]
    public async Task An_operator_closes_every_connection_of_a_user_from_the_internal_port_only()
    {
        var malloryId = TestIds.User("mallory");
        await using var tab1 = await TestChatClient.ConnectAsync(BaseUrl, malloryId);
        await using var tab2 = await TestChatClient.ConnectAsync(BaseUrl, malloryId);
        await using var bob = await TestChatClient.ConnectAsync(BaseUrl, TestIds.User("bob"));
        var closed = new[] { ClosedAsync(tab1), ClosedAsync(tab2) };
        using var http = new HttpClient { Timeout = TestIds.Timeout };

        using (var outside = await http.PostAsync($"{BaseUrl}/users/{malloryId}/disconnect", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
        }

        using var response = await http.PostAsync($"http://127.0.0.1:{fixture.InternalPort}/users/{malloryId}/disconnect", null);
        response.EnsureSuccessStatusCode();
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        await Task.WhenAll(closed).WaitAsync(TestIds.Timeout);

        Assert.Equal(2, body.GetProperty("closed").GetInt32());
        Assert.Equal(JsonValueKind.Array, (await bob.InvokeAsync<JsonElement>("GetRooms")).ValueKind);
        using var bad = await http.PostAsync($"http://127.0.0.1:{fixture.InternalPort}/users/not%20valid/disconnect", null);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Sockets_that_never_finish_the_handshake_count_against_the_users_limit()
    {
        var userId = TestIds.User("holder");
        var token = await TestChatClient.GetTokenAsync(BaseUrl, userId);
        var sockets = new List<ClientWebSocket>();
        try
        {
            for (var i = 0; i < SessionNodeFixture.MaxPerUser; i++)
            {
                var socket = new ClientWebSocket();
                sockets.Add(socket);
                await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{fixture.Node.HttpPort}/hubs/chat?access_token={token}"), CancellationToken.None).WaitAsync(TestIds.Timeout);
            }

            var (status, _, body) = await TestChatClient.TryUpgradeAsync(BaseUrl, userId);

            Assert.Equal(HttpStatusCode.TooManyRequests, status);
            Assert.Contains($"maximum of {SessionNodeFixture.MaxPerUser} connections", body);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Abort();
                socket.Dispose();
            }
        }
    }

    [Theory]
    [InlineData(0.5, false)]
    [InlineData(1, true)]
    [InlineData(24 * 60, true)]
    [InlineData(24 * 60 + 1, false)]
    public void Token_lifetime_is_bounded(double minutes, bool valid)
    {
        var validator = new AuthOptionsValidator(Options.Create(new ChatClusterOptions()));

        var result = validator.Validate(null, new AuthOptions { TokenLifetime = TimeSpan.FromMinutes(minutes) });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("Chat:Auth:TokenLifetime must be between 1 minute and 24 hours", result.FailureMessage);
        }
    }

    private static Task ClosedAsync(TestChatClient client)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task;
    }
}
