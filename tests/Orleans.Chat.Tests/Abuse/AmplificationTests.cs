using System.Text.Json;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Abuse;

/// <summary>Calls that are cheap to make must stay cheap to answer, whatever the caller's rooms or the room's size.</summary>
[Collection(EdgeNodeCollection.Name)]
public sealed class AmplificationTests(EdgeNodeFixture node)
{
    [Fact]
    public async Task A_burst_of_typing_calls_reaches_the_others_as_one_notice()
    {
        var roomId = TestIds.Room();
        await using var alice = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("alice"));
        await using var bob = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("bob"));
        await alice.JoinAsync(roomId);
        await bob.JoinAsync(roomId);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => bob.InvokeAsync("Typing", roomId)));
        await alice.WaitForAsync("typing", p => p.GetProperty("roomId").GetString() == roomId);
        // A message after the burst marks its end: room events reach a node in order.
        await bob.SendAsync(roomId, "marker");
        await alice.WaitForAsync("message", p => p.GetProperty("roomId").GetString() == roomId);

        var more = await CountPendingAsync(alice, "typing");
        Assert.Equal(0, more);
    }

    /// <summary>Events of that name already received and not yet taken by a wait.</summary>
    private static async Task<int> CountPendingAsync(TestChatClient client, string name)
    {
        var count = 0;
        try
        {
            while (true)
            {
                await client.WaitForAsync(name, timeout: TimeSpan.FromMilliseconds(1));
                count++;
            }
        }
        catch (TimeoutException)
        {
            return count;
        }
    }
}
