using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Web;

/// <summary>
/// The chat page as a person uses it: through labelled inputs and buttons, reading what is on screen.
/// Playwright's own waits carry the test timeout (set on the context); other awaits get <c>WaitAsync</c>.
/// </summary>
public sealed class ChatPage(IPage page) : IAsyncDisposable
{
    public IPage Page { get; } = page;

    public ILocator Messages => Page.Locator("#message-list li.msg");

    public ILocator Connection => Page.Locator("#conn");

    public async Task SignInAsync(string userId)
    {
        await Page.GetByLabel("Your name").FillAsync(userId);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(Connection).ToHaveTextAsync("Connected");
    }

    public async Task JoinRoomAsync(string roomId)
    {
        await Page.GetByLabel("Join or create a room").FillAsync(roomId);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Join", Exact = true }).ClickAsync();
        await Assertions.Expect(Page.Locator("#room-title")).ToHaveTextAsync($"# {roomId}");
    }

    public async Task OpenDirectAsync(string userId)
    {
        await Page.GetByLabel("Message someone").FillAsync(userId);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Open", Exact = true }).ClickAsync();
        await Assertions.Expect(Page.Locator("#room-title")).ToHaveTextAsync(userId);
    }

    public async Task TypeAsync(string text) => await Page.GetByLabel("Message", new() { Exact = true }).PressSequentiallyAsync(text);

    public async Task SendAsync(string text)
    {
        var box = Page.GetByLabel("Message", new() { Exact = true });
        await box.FillAsync(text);
        await box.PressAsync("Enter");
    }

    /// <summary>Waits until a message with this text, by this author, is on screen and no longer pending.</summary>
    public async Task ExpectMessageAsync(string author, string text)
    {
        var item = Messages.Filter(new() { HasText = text }).Last;
        await Assertions.Expect(item).ToBeVisibleAsync();
        await Assertions.Expect(item).Not.ToHaveClassAsync(new Regex(@"\bpending\b"));
        await Assertions.Expect(item).ToHaveAttributeAsync("data-sender", author);
    }

    /// <summary>The seqs of the messages on screen, top to bottom.</summary>
    public async Task<long[]> ShownSeqsAsync()
    {
        var seqs = await Messages.EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.seq ?? '')").WaitAsync(TestIds.Timeout);
        return seqs.Where(s => s.Length > 0).Select(long.Parse).ToArray();
    }

    public async ValueTask DisposeAsync() => await Page.Context.CloseAsync().WaitAsync(TestIds.Timeout);
}
