using OrleansChat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansChat.Tests.Abuse;

/// <summary>A user whose connection flaps reaches the others as one presence change, not one per flap.</summary>
[Collection(EdgeNodeCollection.Name)]
public sealed class PresenceFlapTests(EdgeNodeFixture node, ITestOutputHelper output)
{
    /// <summary>The user grain's presence window (5 s) twice: long enough for any held-back change to have gone out.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_connect_disconnect_loop_reaches_the_room_as_one_change()
    {
        var roomId = TestIds.Room("flap");
        var flapper = TestIds.User("flap");
        await using var alice = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("alice"));
        await alice.JoinAsync(roomId);
        await using (var first = await TestChatClient.ConnectAsync(node.BaseUrl, flapper))
        {
            await first.JoinAsync(roomId);
        }

        var loop = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 10; i++)
        {
            await using var again = await TestChatClient.ConnectAsync(node.BaseUrl, flapper);
        }

        loop.Stop();

        // The others learn the end state: offline.
        await alice.WaitForAsync("presence", p => p.GetProperty("userId").GetString() == flapper && !p.GetProperty("online").GetBoolean());

        // And nothing else about the flapper: not one online/offline pair per loop (20 notices before).
        var extra = 0;
        try
        {
            while (true)
            {
                await alice.WaitForAsync("presence", p => p.GetProperty("userId").GetString() == flapper, Quiet);
                extra++;
            }
        }
        catch (TimeoutException)
        {
            // Quiet for the whole window: every notice has arrived.
        }

        // At most one change per presence window goes out: on a loaded machine the loop may span a
        // few windows, each of which may carry an offline and an online notice.
        var windows = (int)Math.Ceiling(loop.Elapsed / TimeSpan.FromSeconds(5));
        output.WriteLine($"loop of 10 flaps took {loop.Elapsed.TotalSeconds:0.0} s; presence notices about the flapper besides one offline: {extra}");
        Assert.InRange(extra, 0, 2 * windows);
    }
}
