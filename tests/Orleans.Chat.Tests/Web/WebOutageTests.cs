using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Web;

/// <summary>The page when the server refuses a send because a store is down.</summary>
[Collection(WebCollection.Name)]
public sealed class WebOutageTests(WebFixture web)
{
    private const char RecordSeparator = '\u001e';

    [Fact]
    public async Task A_send_refused_for_a_store_outage_shows_why_and_goes_again_with_the_same_clientMsgId_once_stored()
    {
        var room = TestIds.Room("outage");
        await using var tab = await web.OpenAsync();

        // The page's hub socket goes through Playwright: the first SendMessage is answered, as the
        // hub answers during a Redis outage, with a store refusal instead of reaching the node.
        var sent = new ConcurrentQueue<string>();
        var refused = 0;
        await tab.Page.RouteWebSocketAsync(new Regex("/hubs/chat"), page =>
        {
            var server = page.ConnectToServer();
            page.OnMessage(frame =>
            {
                if (frame.Text is not { } text)
                {
                    server.Send(frame.Binary ?? []);
                    return;
                }

                var forward = new List<string>();
                foreach (var record in text.Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries))
                {
                    if (SendMessageOf(record) is { } send)
                    {
                        sent.Enqueue(send.ClientMsgId);
                        if (Interlocked.Increment(ref refused) == 1)
                        {
                            page.Send(Refusal(send.InvocationId));
                            continue;
                        }
                    }

                    forward.Add(record + RecordSeparator);
                }

                if (forward.Count > 0)
                {
                    server.Send(string.Concat(forward));
                }
            });
        }).WaitAsync(TestIds.Timeout);

        var user = TestIds.User("patient");
        await tab.SignInAsync(user);
        await tab.JoinRoomAsync(room);
        await tab.SendAsync("sent through an outage");

        await Assertions.Expect(tab.Page.Locator("#send-error")).ToContainTextAsync("message store unavailable, retry in 1 s");
        await tab.ExpectMessageAsync(user, "sent through an outage");
        await Assertions.Expect(tab.Page.Locator("#send-error")).ToHaveTextAsync("");
        await Assertions.Expect(tab.Messages.Filter(new() { HasText = "sent through an outage" })).ToHaveCountAsync(1);
        Assert.Equal(new long[] { 1 }, await tab.ShownSeqsAsync());
        var ids = sent.ToArray();
        Assert.Equal(2, ids.Length);
        Assert.Equal(ids[0], ids[1]);
    }

    /// <summary>The invocation id and clientMsgId of a SendMessage invocation in the JSON hub protocol.</summary>
    private static (string InvocationId, string ClientMsgId)? SendMessageOf(string record)
    {
        using var json = JsonDocument.Parse(record);
        var root = json.RootElement;
        return root.TryGetProperty("target", out var target) && target.GetString() == "SendMessage"
            && root.TryGetProperty("invocationId", out var id)
            ? (id.GetString() ?? "", root.GetProperty("arguments")[1].GetString() ?? "")
            : null;
    }

    /// <summary>A completion with the error the hub sends for a HubException, worded as the hub words a Redis outage.</summary>
    private static string Refusal(string invocationId) =>
        JsonSerializer.Serialize(new
        {
            type = 3,
            invocationId,
            error = "An unexpected error occurred invoking 'SendMessage' on the server. HubException: SendMessage: message store unavailable, retry in 1 s",
        }) + RecordSeparator;
}
