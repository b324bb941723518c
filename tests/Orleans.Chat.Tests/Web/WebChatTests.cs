using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Web;

/// <summary>The web page at <c>/</c>, driven in headless Chromium against a real node.</summary>
[Collection(WebCollection.Name)]
public sealed class WebChatTests(WebFixture web)
{
    [Fact]
    public async Task Root_serves_the_page_and_the_official_signalr_client()
    {
        using var http = new HttpClient { BaseAddress = new Uri(web.Node.BaseUrl), Timeout = TestIds.Timeout };

        using var page = await http.GetAsync("/").WaitAsync(TestIds.Timeout);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync().WaitAsync(TestIds.Timeout);
        Assert.Contains("<title>Orleans.Chat</title>", html, StringComparison.Ordinal);
        Assert.Contains("src=\"lib/signalr.min.js\"", html, StringComparison.Ordinal);

        using var client = await http.GetAsync("/lib/signalr.min.js").WaitAsync(TestIds.Timeout);
        Assert.Equal(HttpStatusCode.OK, client.StatusCode);
        Assert.Equal("text/javascript", client.Content.Headers.ContentType?.MediaType);
        var script = await client.Content.ReadAsStringAsync().WaitAsync(TestIds.Timeout);
        Assert.Contains("HubConnectionBuilder", script, StringComparison.Ordinal);

        foreach (var asset in new[] { "/app.js", "/app.css", "/js/chat.js" })
        {
            using var response = await http.GetAsync(asset).WaitAsync(TestIds.Timeout);
            Assert.True(response.IsSuccessStatusCode, $"{asset} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Reading_a_busy_room_leaves_the_reader_free_to_join_another()
    {
        var room = TestIds.Room("busy");
        await using var tab = await web.OpenAsync();
        await tab.SignInAsync(TestIds.User("reader"));
        await tab.JoinRoomAsync(room);
        var refusals = new System.Collections.Concurrent.ConcurrentQueue<string>();
        tab.Page.Console += (_, message) =>
        {
            if (message.Text.Contains("rate limit", StringComparison.Ordinal))
            {
                refusals.Enqueue(message.Text);
            }
        };
        var senders = new List<TestChatClient>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var sender = await TestChatClient.ConnectAsync(web.Node.BaseUrl, TestIds.User($"sender{i}"));
                senders.Add(sender);
                await sender.JoinAsync(room);
            }

            // 100 messages arrive while the reader looks at the room: read marks are limited with
            // joins (60 at once), so the page must not send one per message.
            await Task.WhenAll(senders.Select(async sender =>
            {
                for (var j = 0; j < 25; j++)
                {
                    await sender.SendAsync(room, $"{sender.UserId} says {j}");
                }
            }));
            await Assertions.Expect(tab.Messages).ToHaveCountAsync(100);

            await tab.JoinRoomAsync(TestIds.Room("next"));
            Assert.Empty(refusals);
        }
        finally
        {
            foreach (var sender in senders)
            {
                await sender.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Two_tabs_chat_in_a_room_with_typing_presence_and_read_receipts()
    {
        var alice = TestIds.User("alice");
        var bob = TestIds.User("bob");
        var room = TestIds.Room("web");
        await using var aliceTab = await web.OpenAsync();
        await using var bobTab = await web.OpenAsync();

        await aliceTab.SignInAsync(alice);
        await aliceTab.JoinRoomAsync(room);
        await bobTab.SignInAsync(bob);
        await bobTab.JoinRoomAsync(room);

        // Alice learns of Bob's join live, and that he is online.
        var bobInAliceList = aliceTab.Page.Locator("#member-list li", new() { HasText = bob });
        await Assertions.Expect(bobInAliceList).ToBeVisibleAsync();
        await Assertions.Expect(bobInAliceList.Locator(".dot")).ToHaveClassAsync(new Regex(@"\bonline\b"));

        var hello = $"hello from alice {Guid.NewGuid():N}";
        await aliceTab.SendAsync(hello);
        await bobTab.ExpectMessageAsync(alice, hello);
        await aliceTab.ExpectMessageAsync(alice, hello);
        await Assertions.Expect(aliceTab.Page.Locator("#message-list li.seen")).ToHaveTextAsync($"Seen by {bob}");

        await bobTab.TypeAsync("hi al");
        await Assertions.Expect(aliceTab.Page.Locator("#typing")).ToHaveTextAsync($"{bob} is typing…");
        var reply = $"hi alice {Guid.NewGuid():N}";
        await bobTab.SendAsync(reply);
        await aliceTab.ExpectMessageAsync(bob, reply);
        await Assertions.Expect(aliceTab.Page.Locator("#typing")).ToHaveTextAsync(string.Empty);

        // Each message appears once, in seq order, in both tabs.
        long[] both = [1, 2];
        Assert.Equal(both, await aliceTab.ShownSeqsAsync());
        Assert.Equal(both, await bobTab.ShownSeqsAsync());

        await bobTab.Page.Context.CloseAsync().WaitAsync(TestIds.Timeout);
        await Assertions.Expect(bobInAliceList.Locator(".dot")).ToHaveClassAsync(new Regex(@"\boffline\b"));
    }

    [Fact]
    public async Task Direct_messages_arrive_with_an_unread_badge()
    {
        var carol = TestIds.User("carol");
        var dave = TestIds.User("dave");
        await using var carolTab = await web.OpenAsync();
        await using var daveTab = await web.OpenAsync();
        await carolTab.SignInAsync(carol);
        await daveTab.SignInAsync(dave);

        await carolTab.OpenDirectAsync(dave);
        var text = $"psst {Guid.NewGuid():N}";
        await carolTab.SendAsync(text);

        var conversation = daveTab.Page.Locator("#dm-list button", new() { HasText = carol });
        await Assertions.Expect(conversation.Locator(".badge")).ToHaveTextAsync("1");
        await conversation.ClickAsync();
        await daveTab.ExpectMessageAsync(carol, text);
        await Assertions.Expect(conversation.Locator(".badge")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Scrolling_up_loads_older_history_in_order()
    {
        var room = TestIds.Room("history");
        const int PerSender = 25;
        var senders = new List<TestChatClient>();
        try
        {
            // Three senders stay inside each one's burst allowance, so filling the room needs no waiting.
            for (var s = 0; s < 3; s++)
            {
                var sender = await TestChatClient.ConnectAsync(web.Node.BaseUrl, TestIds.User($"s{s}")).WaitAsync(TestIds.Timeout);
                senders.Add(sender);
                await sender.JoinAsync(room).WaitAsync(TestIds.Timeout);
                for (var i = 0; i < PerSender; i++)
                {
                    await sender.SendAsync(room, $"line {s}-{i}").WaitAsync(TestIds.Timeout);
                }
            }
        }
        finally
        {
            foreach (var sender in senders)
            {
                await sender.DisposeAsync();
            }
        }

        await using var tab = await web.OpenAsync();
        await tab.SignInAsync(TestIds.User("reader"));
        await tab.JoinRoomAsync(room);
        await Assertions.Expect(tab.Messages).ToHaveCountAsync(50);
        Assert.Equal(Enumerable.Range(26, 50).Select(i => (long)i), await tab.ShownSeqsAsync());

        await tab.Page.Locator("#messages").EvaluateAsync("box => box.scrollTo(0, 0)").WaitAsync(TestIds.Timeout);
        await Assertions.Expect(tab.Messages).ToHaveCountAsync(75);
        Assert.Equal(Enumerable.Range(1, 75).Select(i => (long)i), await tab.ShownSeqsAsync());
        await Assertions.Expect(tab.Page.Locator("#history-status")).ToHaveTextAsync("This is the start of the conversation.");
    }

    [Fact]
    public async Task A_refused_send_shows_the_servers_reason_and_keeps_the_text()
    {
        await using var tab = await web.OpenAsync();
        await tab.SignInAsync(TestIds.User("chatty"));
        await tab.JoinRoomAsync(TestIds.Room("limits"));

        // A burst well past the contract's 30 (a user pasting fast): submitted in one go, so no refill gets in between.
        const int Burst = 45;
        await tab.Page.EvaluateAsync(
            @"count => {
                const box = document.getElementById('composer-text');
                for (let i = 0; i < count; i++) {
                    box.value = 'message ' + i;
                    document.getElementById('composer').requestSubmit();
                }
            }",
            Burst).WaitAsync(TestIds.Timeout);
        await Assertions.Expect(tab.Page.Locator("#send-error")).ToContainTextAsync("rate limit exceeded, retry in");
        await Assertions.Expect(tab.Page.Locator("#message-list li.msg.pending")).ToHaveCountAsync(0);
        var delivered = await tab.Messages.CountAsync().WaitAsync(TestIds.Timeout);
        Assert.InRange(delivered, 30, Burst - 1);
        await Assertions.Expect(tab.Page.GetByLabel("Message", new() { Exact = true })).ToHaveValueAsync(new Regex("^message \\d+$"));
    }
}
