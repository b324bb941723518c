using Microsoft.AspNetCore.SignalR;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Edge;

/// <summary>Direct conversations have an allowance of their own: strangers filling it cannot stop a user joining rooms.</summary>
public sealed class MembershipLimitTests
{
    [Fact]
    public async Task A_user_with_no_room_for_another_conversation_is_named_to_the_sender_and_can_still_join_rooms()
    {
        await using var node = await EdgeProcess.StartAsync(new Dictionary<string, string> { ["Chat:Limits:MaxDirectRoomsPerUser"] = "1" });
        await using var bob = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("bob"));
        await using var alice = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("alice"));
        await using var carol = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("carol"));
        await alice.InvokeAsync<System.Text.Json.JsonElement>("SendDirect", bob.UserId, "dm-1", "hi bob");

        var refused = await Assert.ThrowsAsync<HubException>(() => carol.InvokeAsync<System.Text.Json.JsonElement>("SendDirect", bob.UserId, "dm-1", "hi bob too"));

        Assert.Contains($"user {bob.UserId} cannot take more direct conversations", refused.Message);
        var carolsRooms = await carol.InvokeAsync<System.Text.Json.JsonElement>("GetRooms");
        Assert.Equal(0, carolsRooms.GetArrayLength());
        var room = TestIds.Room("open");
        await bob.JoinAsync(room);
        Assert.Equal(1, (await bob.SendAsync(room, "rooms still open to me")).GetProperty("seq").GetInt64());
    }
}
