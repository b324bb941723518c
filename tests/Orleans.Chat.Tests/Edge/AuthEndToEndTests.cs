using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Edge;

[Collection(EdgeNodeCollection.Name)]
public sealed class AuthEndToEndTests(EdgeNodeFixture node)
{
    [Fact]
    public async Task Dev_token_is_issued_for_a_valid_user_id()
    {
        using var http = new HttpClient { Timeout = TestIds.Timeout };
        var userId = TestIds.User("alice");
        using var response = await http.PostAsJsonAsync($"{node.BaseUrl}/api/auth/dev-token", new { userId });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(userId, body.GetProperty("userId").GetString());
        Assert.Equal(3, (body.GetProperty("accessToken").GetString() ?? "").Split('.').Length);
        Assert.True(body.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(1));
    }

    [Theory]
    [InlineData("{\"userId\":\"has space\"}")]
    [InlineData("{\"userId\":\"\"}")]
    [InlineData("{}")]
    [InlineData("{\"userId\":\"a:b\"}")]
    [InlineData("{\"userId\":123}")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task Dev_token_refuses_a_bad_user_id_with_a_json_error(string json)
    {
        using var http = new HttpClient { Timeout = TestIds.Timeout };
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync($"{node.BaseUrl}/api/auth/dev-token", content);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("userId", body.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-jwt")]
    [InlineData("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJtYWxsb3J5IiwiaXNzIjoib3JsZWFucy1jaGF0IiwiYXVkIjoib3JsZWFucy1jaGF0IiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2lnbmVkLWJ5LXNvbWVvbmUtZWxzZQ")]
    public async Task The_hub_refuses_missing_or_invalid_tokens_with_401(string? token)
    {
        using var http = new HttpClient { Timeout = TestIds.Timeout };
        var url = $"{node.BaseUrl}/hubs/chat/negotiate?negotiateVersion=1" + (token is null ? "" : $"&access_token={token}");
        using var response = await http.PostAsync(url, null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        await using var connection = new HubConnectionBuilder()
            .WithUrl($"{node.BaseUrl}/hubs/chat", o =>
            {
                o.AccessTokenProvider = () => Task.FromResult(token);
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => connection.StartAsync().WaitAsync(TestIds.Timeout));
        Assert.Contains("401", error.ToString());
    }

    [Fact]
    public async Task Dev_token_refuses_an_oversized_body_with_a_json_error()
    {
        using var http = new HttpClient { Timeout = TestIds.Timeout };
        var json = $"{{\"userId\":\"{TestIds.User("alice")}\",\"padding\":\"{new string('x', 10_000)}\"}}";
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync($"{node.BaseUrl}/api/auth/dev-token", content);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 4096 bytes", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Health_reports_the_node_that_answered()
    {
        using var http = new HttpClient { Timeout = TestIds.Timeout };
        using var response = await http.GetAsync($"{node.BaseUrl}/health");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("node").GetString()));
    }
}
