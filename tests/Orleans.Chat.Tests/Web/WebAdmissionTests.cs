using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Web;

/// <summary>
/// The page against a node that is admitting connections as fast as it can: a 503 with "retry in
/// N s" on the negotiate makes it wait at least that long (plus jitter) before trying again, and it
/// connects once the node takes it.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class WebAdmissionTests(WebFixture web)
{
    [Fact]
    public async Task A_refused_connect_waits_for_the_hinted_time_and_then_gets_in()
    {
        await using var tab = await web.OpenAsync();
        var refusals = 0;
        var refusedAt = new List<TimeSpan>();
        var retriedAt = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();

        // The node's refusal as ConnectAdmission words it, for the page's first two negotiates.
        await tab.Page.RouteAsync(new Regex("/hubs/chat/negotiate"), async route =>
        {
            if (Interlocked.Increment(ref refusals) <= 2)
            {
                lock (refusedAt)
                {
                    refusedAt.Add(clock.Elapsed);
                }

                await route.FulfillAsync(new()
                {
                    Status = 503,
                    Headers = new Dictionary<string, string> { ["Retry-After"] = "2" },
                    Body = "this node is admitting connections as fast as it can and its queue is full; retry in 2 s, or connect to another node",
                });
                return;
            }

            retriedAt = clock.Elapsed;
            await route.ContinueAsync();
        }).WaitAsync(TestIds.Timeout);

        await tab.Page.GetByLabel("Your name").FillAsync(TestIds.User("patient"));
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(tab.Connection).ToHaveTextAsync("Connected", new() { Timeout = 20_000 });

        // Each retry came at least the hinted 2 s after the refusal before it (the page adds up to as much again).
        Assert.Equal(2, refusedAt.Count);
        Assert.True(refusedAt[1] - refusedAt[0] >= TimeSpan.FromSeconds(2), $"second try {refusedAt[1] - refusedAt[0]} after the first refusal");
        Assert.True(retriedAt - refusedAt[1] >= TimeSpan.FromSeconds(2), $"third try {retriedAt - refusedAt[1]} after the second refusal");
    }
}
