using OrleansChat.Messages;

namespace OrleansChat.Tests.Unit;

public sealed class ChatLimitsTests
{
    [Theory]
    [InlineData("alice", true)]
    [InlineData("A.b_c-9", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("a:b", false)]
    [InlineData("émile", false)]
    [InlineData("alice\n", false)]
    public void User_ids_follow_the_contract_pattern(string id, bool valid) => Assert.Equal(valid, ChatLimits.IsValidId(id));

    [Fact]
    public void Ids_are_at_most_64_characters()
    {
        Assert.True(ChatLimits.IsValidId(new string('a', 64)));
        Assert.False(ChatLimits.IsValidId(new string('a', 65)));
    }

    [Theory]
    [InlineData("general", true)]
    [InlineData("dm:alice:bob", true)]
    [InlineData("dm:bob:alice", false)]
    [InlineData("dm:alice:alice", false)]
    [InlineData("dm:alice", false)]
    [InlineData("dm:alice:bob:carol", false)]
    [InlineData("x:alice:bob", false)]
    [InlineData("dm:al ice:bob", false)]
    public void Room_ids_are_public_ids_or_sorted_direct_pairs(string roomId, bool valid) => Assert.Equal(valid, ChatLimits.IsValidRoomId(roomId));

    [Fact]
    public void Direct_room_ids_sort_the_two_users_ordinally()
    {
        Assert.Equal("dm:Bob:alice", ChatLimits.DirectRoomId("alice", "Bob"));
        Assert.Equal("dm:Bob:alice", ChatLimits.DirectRoomId("Bob", "alice"));
        Assert.True(ChatLimits.TryParseDirectRoom("dm:Bob:alice", out var first, out var second));
        Assert.Equal(("Bob", "alice"), (first, second));
    }

    [Fact]
    public void Refusals_say_what_was_wrong()
    {
        Assert.Equal("text exceeds 4000 characters", Assert.Throws<ChatException>(() => ChatLimits.EnsureText(new string('x', 4001))).Message);
        Assert.Contains("1-64", Assert.Throws<ChatException>(() => ChatLimits.EnsureClientMsgId(new string('x', 65))).Message);
        Assert.Contains("between 1 and 200", Assert.Throws<ChatException>(() => ChatLimits.EnsureHistoryLimit(201)).Message);
        ChatLimits.EnsureText(new string('x', 4000));
    }
}
