using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Playwright;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Web;

/// <summary>How the page signs people in: by name with a demo banner when dev tokens are on, otherwise with the host application's token.</summary>
[Collection(WebCollection.Name)]
public sealed class WebSignInTests(WebFixture web)
{
    [Fact]
    public async Task With_dev_tokens_the_page_shows_the_demo_banner()
    {
        await using var tab = await web.OpenAsync();

        await Assertions.Expect(tab.Page.GetByRole(AriaRole.Note)).ToContainTextAsync("anyone can sign in under any name");
        await Assertions.Expect(tab.Page.GetByLabel("Your name")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Without_dev_tokens_the_page_takes_the_host_applications_token_and_offers_no_name_form()
    {
        var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + Guid.NewGuid().ToString("N");
        await using var node = await EdgeProcess.StartAsync(new Dictionary<string, string> { ["Chat:Auth:SigningKey"] = key }, devTokens: false);
        var context = await web.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = node.BaseUrl }).WaitAsync(TestIds.Timeout);
        context.SetDefaultTimeout((float)TestIds.Timeout.TotalMilliseconds);
        await using var page = new ChatPage(await context.NewPageAsync().WaitAsync(TestIds.Timeout));

        await page.Page.GotoAsync("/").WaitAsync(TestIds.Timeout);
        await Assertions.Expect(page.Page.GetByText("signs you in through the application that hosts it")).ToBeVisibleAsync();
        await Assertions.Expect(page.Page.GetByLabel("Your name")).ToBeHiddenAsync();
        await Assertions.Expect(page.Page.GetByRole(AriaRole.Note)).ToBeHiddenAsync();

        // The host application sends its signed-in user to the page with the token in the fragment.
        var userId = TestIds.User("handed");
        var handedOver = new ChatPage(await context.NewPageAsync().WaitAsync(TestIds.Timeout));
        await handedOver.Page.GotoAsync($"/#access_token={HostToken(key, userId)}").WaitAsync(TestIds.Timeout);
        await Assertions.Expect(handedOver.Connection).ToHaveTextAsync("Connected");
        await Assertions.Expect(handedOver.Page.Locator("#me-name")).ToHaveTextAsync(userId);
        // The token leaves the address bar at once: it is not bookmarked, shared or kept in history.
        Assert.DoesNotContain("access_token", handedOver.Page.Url, StringComparison.Ordinal);
    }

    /// <summary>What a host application sharing <c>Chat:Auth:SigningKey</c> signs for its signed-in user.</summary>
    private static string HostToken(string key, string userId) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "orleans-chat",
        Audience = "orleans-chat",
        Expires = DateTime.UtcNow.AddMinutes(30),
        Claims = new Dictionary<string, object> { ["sub"] = userId },
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
    });
}
