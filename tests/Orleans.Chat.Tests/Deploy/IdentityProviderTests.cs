using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.IdentityModel.Tokens;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Deploy;

/// <summary>A node as deployed with an identity provider: defaults (Production, no dev tokens) plus <c>Chat:Auth:Authority</c>.</summary>
public sealed class IdentityProviderNode : IAsyncLifetime
{
    public const string Audience = "chat-api";

    public TestIdentityProvider Provider { get; private set; } = null!;

    public EdgeProcess Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Provider = await TestIdentityProvider.StartAsync();
        Node = await EdgeProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["Chat:Auth:Authority"] = Provider.Issuer,
                ["Chat:Auth:RequireHttpsMetadata"] = "false",
                ["Chat:Auth:Audience"] = Audience,
            },
            devTokens: false);
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await Provider.DisposeAsync();
    }
}

public sealed class IdentityProviderTests(IdentityProviderNode fixture) : IClassFixture<IdentityProviderNode>
{
    private TestIdentityProvider Provider => fixture.Provider;

    [Theory]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public async Task A_token_from_the_providers_jwks_opens_a_chat_connection_as_its_user(string algorithm)
    {
        var userId = TestIds.User("oidc");
        SecurityKey key = algorithm == "RS256" ? Provider.Rsa : Provider.Ec;
        var token = Provider.Sign(key, algorithm, userId, IdentityProviderNode.Audience);

        await using var connection = new HubConnectionBuilder()
            .WithUrl($"{fixture.Node.BaseUrl}/hubs/chat", o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        await connection.StartAsync().WaitAsync(TestIds.Timeout);
        var room = TestIds.Room();
        await connection.InvokeAsync<JsonElement>("JoinRoom", room).WaitAsync(TestIds.Timeout);
        var presence = await connection.InvokeAsync<JsonElement>("GetPresence", room).WaitAsync(TestIds.Timeout);

        Assert.Contains(userId, presence.GetRawText());
    }

    public static TheoryData<string, string> SpoiltTokens() => new()
    {
        { "algorithm not pinned (RS512 with the provider's own key)", "alg" },
        { "another issuer", "issuer" },
        { "another audience", "audience" },
        { "expired", "expired" },
        { "a key the provider never published", "key" },
        { "a user id the chat cannot use", "userid" },
        { "HS256 with nothing shared (no signing key configured)", "hmac" },
    };

    [Theory]
    [MemberData(nameof(SpoiltTokens))]
    public async Task Spoilt_tokens_are_refused_with_401(string what, string spoil)
    {
        var user = TestIds.User("spoilt");
        var audience = IdentityProviderNode.Audience;
        var token = spoil switch
        {
            "alg" => Provider.Sign(Provider.Rsa, SecurityAlgorithms.RsaSha512, user, audience),
            "issuer" => Provider.Sign(Provider.Rsa, "RS256", user, audience, issuer: "http://127.0.0.1:1/evil"),
            "audience" => Provider.Sign(Provider.Rsa, "RS256", user, "someone-else"),
            "expired" => Provider.Sign(Provider.Rsa, "RS256", user, audience, expiresIn: TimeSpan.FromMinutes(-1)),
            "key" => Provider.Sign(new RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = Provider.Rsa.KeyId }, "RS256", user, audience),
            "userid" => Provider.Sign(Provider.Rsa, "RS256", "has space", audience),
            "hmac" => Provider.Sign(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(new string('k', 32))), "HS256", user, audience),
            _ => throw new ArgumentOutOfRangeException(nameof(spoil)),
        };

        var refused = await NegotiateAsync(token);
        Assert.True(refused == HttpStatusCode.Unauthorized, $"{what}: {refused}");
        // The same provider's good token right after: the refusal was the token's fault, not the node's.
        Assert.Equal(HttpStatusCode.OK, await NegotiateAsync(Provider.Sign(Provider.Rsa, "RS256", user, audience)));
    }

    [Fact]
    public async Task Outside_development_nobody_can_mint_tokens_and_the_page_is_told_so()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Node.BaseUrl), Timeout = TestIds.Timeout };

        using var mint = await http.PostAsJsonAsync("/api/auth/dev-token", new { userId = TestIds.User("mallory") });
        var config = await http.GetFromJsonAsync<JsonElement>("/api/auth/config");

        Assert.Equal(HttpStatusCode.NotFound, mint.StatusCode);
        Assert.False(config.GetProperty("devTokens").GetBoolean());
        Assert.Equal("sub", config.GetProperty("userIdClaim").GetString());
    }

    private async Task<HttpStatusCode> NegotiateAsync(string token)
    {
        using var http = new HttpClient { Timeout = TestIds.Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{fixture.Node.BaseUrl}/hubs/chat/negotiate?negotiateVersion=1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
