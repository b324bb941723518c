using System.Net;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Abuse;

/// <summary>A user's connect/disconnect loop is refused with a retry hint; other users connect as before.</summary>
public sealed class ConnectRateTests
{
    [Fact]
    public async Task A_connect_loop_is_refused_with_a_retry_hint_after_the_users_burst()
    {
        await using var node = await EdgeProcess.StartAsync(new Dictionary<string, string>
        {
            ["Chat:RateLimit:ConnectBurst"] = "3",
            ["Chat:RateLimit:ConnectsPerSecond"] = "0.01",
        });
        var looper = TestIds.User("loop");
        for (var i = 0; i < 3; i++)
        {
            await using var client = await TestChatClient.ConnectAsync(node.BaseUrl, looper);
        }

        var (status, retryAfter, body) = await TestChatClient.TryUpgradeAsync(node.BaseUrl, looper);

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Contains($"user {looper} connects too often; retry in", body);
        Assert.InRange(int.Parse(retryAfter!, System.Globalization.CultureInfo.InvariantCulture), 1, 100);

        // Someone else on the same node (and address) is not held back by it.
        await using var other = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("other"));
        Assert.Equal(0, (await other.InvokeAsync<System.Text.Json.JsonElement>("GetRooms")).GetArrayLength());
    }
}
