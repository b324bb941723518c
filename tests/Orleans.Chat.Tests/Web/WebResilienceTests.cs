using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Web;

/// <summary>The page across a lost connection, and edits and deletes seen from another tab.</summary>
[Collection(WebCollection.Name)]
public sealed class WebResilienceTests(WebFixture web)
{
    [Fact]
    public async Task A_tab_that_lost_its_connection_catches_up_without_gaps_or_duplicates()
    {
        var room = TestIds.Room("resume");
        await using var tab = await web.OpenAsync();

        // The hub's socket goes through Playwright, so the test can cut it like a dropped network would.
        var outage = false;
        var sockets = new List<IWebSocketRoute>();
        await tab.Page.RouteWebSocketAsync(new Regex("/hubs/chat"), socket =>
        {
            lock (sockets)
            {
                if (outage)
                {
                    _ = socket.CloseAsync();
                    return;
                }

                socket.ConnectToServer();
                sockets.Add(socket);
            }
        }).WaitAsync(TestIds.Timeout);

        await tab.SignInAsync(TestIds.User("away"));
        await tab.JoinRoomAsync(room);
        await using var sender = await TestChatClient.ConnectAsync(web.Node.BaseUrl, TestIds.User("talker")).WaitAsync(TestIds.Timeout);
        await sender.JoinAsync(room).WaitAsync(TestIds.Timeout);
        await sender.SendAsync(room, "before the outage").WaitAsync(TestIds.Timeout);
        await tab.ExpectMessageAsync(sender.UserId, "before the outage");

        await tab.Page.Context.SetOfflineAsync(true).WaitAsync(TestIds.Timeout);
        IWebSocketRoute[] open;
        lock (sockets)
        {
            outage = true;
            open = [.. sockets];
        }

        foreach (var socket in open)
        {
            await socket.CloseAsync().WaitAsync(TestIds.Timeout);
        }

        await Assertions.Expect(tab.Connection).ToHaveTextAsync(new Regex("Reconnecting…|Offline|Connecting…"));
        for (var i = 1; i <= 5; i++)
        {
            await sender.SendAsync(room, $"missed {i}").WaitAsync(TestIds.Timeout);
        }

        lock (sockets)
        {
            outage = false;
        }

        await tab.Page.Context.SetOfflineAsync(false).WaitAsync(TestIds.Timeout);
        await Assertions.Expect(tab.Connection).ToHaveTextAsync("Connected");
        await tab.ExpectMessageAsync(sender.UserId, "missed 5");
        await sender.SendAsync(room, "after the outage").WaitAsync(TestIds.Timeout);
        await tab.ExpectMessageAsync(sender.UserId, "after the outage");
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long)i), await tab.ShownSeqsAsync());
    }

    [Fact]
    public async Task Edits_and_deletes_show_in_the_other_tab()
    {
        var room = TestIds.Room("edits");
        var erin = TestIds.User("erin");
        await using var erinTab = await web.OpenAsync();
        await using var frankTab = await web.OpenAsync();
        await erinTab.SignInAsync(erin);
        await erinTab.JoinRoomAsync(room);
        await frankTab.SignInAsync(TestIds.User("frank"));
        await frankTab.JoinRoomAsync(room);

        await erinTab.SendAsync("teh first draft");
        await frankTab.ExpectMessageAsync(erin, "teh first draft");

        var mine = erinTab.Messages.Filter(new() { HasText = "teh first draft" });
        await mine.HoverAsync();
        await mine.GetByRole(AriaRole.Button, new() { Name = "Edit message 1" }).ClickAsync();
        var box = erinTab.Page.GetByLabel("Message", new() { Exact = true });
        await Assertions.Expect(box).ToHaveValueAsync("teh first draft");
        await box.FillAsync("the final text");
        await box.PressAsync("Enter");
        var edited = frankTab.Messages.Filter(new() { HasText = "the final text" });
        await Assertions.Expect(edited).ToContainTextAsync("(edited)");

        erinTab.Page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        var final = erinTab.Messages.Filter(new() { HasText = "the final text" });
        await final.HoverAsync();
        await final.GetByRole(AriaRole.Button, new() { Name = "Delete message 1" }).ClickAsync();
        await Assertions.Expect(frankTab.Messages.First).ToContainTextAsync("This message was deleted.");
        await Assertions.Expect(frankTab.Page.GetByText("the final text")).ToHaveCountAsync(0);
    }
}
