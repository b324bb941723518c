using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Abuse;

/// <summary>Joins and leaves in a big room reach nobody's socket; in a small room everyone sees them.</summary>
public sealed class MemberNoticeTests
{
    [Fact]
    public async Task Joins_and_leaves_past_the_notice_size_reach_no_member()
    {
        await using var node = await EdgeProcess.StartAsync(new Dictionary<string, string> { ["Chat:Limits:MemberNoticesUpTo"] = "3" });
        var roomId = TestIds.Room("big");
        await using var alice = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("alice"));
        await alice.JoinAsync(roomId);
        await using var bob = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("bob"));
        await bob.JoinAsync(roomId);
        await alice.WaitForAsync("memberJoined", m => m.GetProperty("userId").GetString() == bob.UserId);
        await using var carol = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("carol"));
        await carol.JoinAsync(roomId);
        await alice.WaitForAsync("memberJoined", m => m.GetProperty("userId").GetString() == carol.UserId);

        // The fourth member: the room is past the size, so neither the join nor the leave is told.
        var daveId = TestIds.User("dave");
        await using (var dave = await TestChatClient.ConnectAsync(node.BaseUrl, daveId))
        {
            await dave.JoinAsync(roomId);
            await dave.InvokeAsync("LeaveRoom", roomId);
        }

        // A message sent after both reaches alice after them (the room's events reach a node in order).
        var marker = await bob.SendAsync(roomId, "after dave");
        await alice.WaitForAsync("message", m => m.GetProperty("seq").GetInt64() == marker.GetProperty("seq").GetInt64());
        Assert.DoesNotContain(alice.Received("memberJoined"), m => m.GetProperty("userId").GetString() == daveId);
        Assert.DoesNotContain(alice.Received("memberLeft"), m => m.GetProperty("userId").GetString() == daveId);
    }
}
