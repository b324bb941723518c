using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Abuse;

/// <summary>A script writing to many made-up user ids is stopped after a daily number of new conversations, and stores nothing for the ids it is refused.</summary>
public sealed partial class DirectStartLimitTests
{
    [Fact]
    public async Task New_direct_conversations_past_the_daily_limit_are_refused_with_a_retry_hint_and_store_nothing()
    {
        await using var node = await EdgeProcess.StartAsync(new Dictionary<string, string> { ["Chat:Limits:MaxNewDirectPerDay"] = "3" });
        await using var spammer = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("spam"));
        var strangers = Enumerable.Range(0, 5).Select(i => TestIds.User($"never{i}")).ToList();
        for (var i = 0; i < 3; i++)
        {
            await spammer.InvokeAsync<JsonElement>("SendDirect", strangers[i], $"m{i}", "hello");
        }

        var refused = await Assert.ThrowsAsync<HubException>(() => spammer.InvokeAsync<JsonElement>("SendDirect", strangers[3], "m3", "hello"));
        Assert.Contains("at most 3 new direct conversations a day", refused.Message);
        var retry = double.Parse(RetryIn().Match(refused.Message).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(retry, 1, 24 * 3600);

        // Joining a conversation by its id is starting it too, so it is no way around the limit.
        var viaJoin = await Assert.ThrowsAsync<HubException>(() => spammer.JoinAsync(DirectRoomId(spammer.UserId, strangers[4])));
        Assert.Contains("new direct conversations a day", viaJoin.Message);

        // The refused recipients have nothing stored: no conversation shows up when they come.
        await using var refusedOne = await TestChatClient.ConnectAsync(node.BaseUrl, strangers[3]);
        Assert.Equal(0, (await refusedOne.InvokeAsync<JsonElement>("GetRooms")).GetArrayLength());
        await using var welcomed = await TestChatClient.ConnectAsync(node.BaseUrl, strangers[0]);
        Assert.Equal(1, (await welcomed.InvokeAsync<JsonElement>("GetRooms")).GetArrayLength());

        // Conversations already started go on.
        var again = await spammer.InvokeAsync<JsonElement>("SendDirect", strangers[0], "m5", "still talking");
        Assert.Equal(2, again.GetProperty("seq").GetInt64());
    }

    private static string DirectRoomId(string a, string b) => OrleansChat.Messages.ChatLimits.DirectRoomId(a, b);

    [GeneratedRegex(@"retry in ([0-9.]+) s")]
    private static partial Regex RetryIn();
}
