using Microsoft.Playwright;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Web;

/// <summary>
/// One real node and one headless Chromium for the web page tests. The browser is the machine's own
/// (<c>/usr/bin/chromium</c>, Debian package <c>chromium</c>); Playwright only drives it and never downloads one.
/// Each test opens its own browser contexts, which share nothing (storage, cookies), like two people.
/// </summary>
public sealed class WebFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public EdgeProcess Node { get; private set; } = null!;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("the browser is not started");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install the Debian package 'chromium' (apt-get install -y chromium)");
        }

        Assertions.SetDefaultExpectTimeout((float)TestIds.Timeout.TotalMilliseconds);
        var node = EdgeProcess.StartAsync();
        _playwright = await Playwright.CreateAsync().WaitAsync(TestIds.Timeout);
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            ChromiumSandbox = false,
            Timeout = (float)TestIds.Timeout.TotalMilliseconds,
            // Playwright gives every launch a fresh temporary user-data-dir; these keep Chromium from phoning home.
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
            ],
        }).WaitAsync(TestIds.Timeout);
        Node = await node.WaitAsync(TimeSpan.FromSeconds(90));
    }

    /// <summary>A separate browser profile with one tab on the chat page.</summary>
    public async Task<ChatPage> OpenAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Node.BaseUrl,
            ViewportSize = new ViewportSize { Width = 1180, Height = 720 },
            Locale = "en-US",
            TimezoneId = "UTC",
        }).WaitAsync(TestIds.Timeout);
        context.SetDefaultTimeout((float)TestIds.Timeout.TotalMilliseconds);
        var page = await context.NewPageAsync().WaitAsync(TestIds.Timeout);
        var chat = new ChatPage(page);
        await page.GotoAsync("/").WaitAsync(TestIds.Timeout);
        return chat;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync().WaitAsync(TestIds.Timeout);
        }

        _playwright?.Dispose();
        if (Node is not null)
        {
            await Node.DisposeAsync();
        }
    }
}

/// <summary>The web tests share one node and one browser and run one at a time: Chromium is the heaviest thing the suite starts.</summary>
[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<WebFixture>
{
    public const string Name = "web page";
}
