using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Playwright;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Web;

/// <summary>Room settings, roles, invitations, removals and blocks, used through the page as people would.</summary>
[Collection(WebCollection.Name)]
public sealed class WebModerationTests(WebFixture web)
{
    [Fact]
    public async Task The_owner_sets_up_a_private_room_promotes_invites_and_a_moderator_kicks()
    {
        var (alice, bob, carol) = (TestIds.User("alice"), TestIds.User("bob"), TestIds.User("carol"));
        var room = TestIds.Room("mod");
        await using var aliceTab = await web.OpenAsync();
        await using var bobTab = await web.OpenAsync();
        await using var carolTab = await web.OpenAsync();
        await aliceTab.SignInAsync(alice);
        await aliceTab.JoinRoomAsync(room);
        await bobTab.SignInAsync(bob);
        await bobTab.JoinRoomAsync(room);
        await carolTab.SignInAsync(carol);

        // Only the owner gets the settings form; everyone sees the room's title and kind.
        await Assertions.Expect(aliceTab.Page.GetByRole(AriaRole.Button, new() { Name = "Save settings" })).ToBeVisibleAsync();
        await Assertions.Expect(bobTab.Page.GetByRole(AriaRole.Button, new() { Name = "Save settings" })).ToBeHiddenAsync();
        await Assertions.Expect(bobTab.Page.GetByRole(AriaRole.Button, new() { Name = $"Kick {alice}" })).ToHaveCountAsync(0);
        await aliceTab.Page.GetByLabel("Title").FillAsync("Planning");
        await aliceTab.Page.GetByLabel("Invite-only").CheckAsync();
        await aliceTab.Page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Assertions.Expect(bobTab.Page.Locator("#room-info")).ToHaveTextAsync("Planning · invite-only");

        await aliceTab.Page.GetByRole(AriaRole.Button, new() { Name = $"Promote {bob}" }).ClickAsync();
        await Assertions.Expect(aliceTab.Page.Locator("#member-list li", new() { HasText = bob }).Locator(".role")).ToHaveTextAsync("moderator");
        await Assertions.Expect(bobTab.Page.Locator("#side-notice")).ToContainTextAsync("You are now moderator");

        // The moderator invites; the invitation shows up on the invitee's page with a Join button.
        await bobTab.Page.GetByLabel("Invite someone").FillAsync(carol);
        await bobTab.Page.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
        await carolTab.Page.GetByRole(AriaRole.Button, new() { Name = $"Join {room}" }).ClickAsync();
        await Assertions.Expect(carolTab.Page.Locator("#room-title")).ToHaveTextAsync($"# {room}");

        // A moderator may not act on the owner, only on members.
        await Assertions.Expect(bobTab.Page.GetByRole(AriaRole.Button, new() { Name = $"Kick {alice}" })).ToHaveCountAsync(0);
        await bobTab.Page.GetByRole(AriaRole.Button, new() { Name = $"Kick {carol}" }).ClickAsync();
        await Assertions.Expect(carolTab.Page.Locator("#side-notice")).ToContainTextAsync($"You were removed from #{room} by {bob}");
        await Assertions.Expect(carolTab.Page.Locator("#room-list button", new() { HasText = room })).ToHaveCountAsync(0);
        await Assertions.Expect(aliceTab.Page.Locator("#member-list li", new() { HasText = carol })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Blocking_someone_on_the_page_refuses_their_direct_messages()
    {
        var (erin, frank) = (TestIds.User("erin"), TestIds.User("frank"));
        var room = TestIds.Room("block");
        await using var erinTab = await web.OpenAsync();
        await erinTab.SignInAsync(erin);
        await erinTab.JoinRoomAsync(room);
        await using var franky = await TestChatClient.ConnectAsync(web.Node.BaseUrl, frank);
        await franky.JoinAsync(room);

        await erinTab.Page.GetByRole(AriaRole.Button, new() { Name = $"Block {frank}" }).ClickAsync();
        await Assertions.Expect(erinTab.Page.GetByRole(AriaRole.Button, new() { Name = $"Unblock {frank}" })).ToBeVisibleAsync();

        var refused = await Assert.ThrowsAsync<HubException>(() => franky.InvokeAsync<System.Text.Json.JsonElement>("SendDirect", erin, "c1", "hey"));
        Assert.Contains("does not accept", refused.Message);
        await Assertions.Expect(erinTab.Page.Locator("#dm-list button", new() { HasText = frank })).ToHaveCountAsync(0);
        await Assertions.Expect(erinTab.Page.Locator("#moderation-error")).ToHaveTextAsync(new Regex("^$"));
    }
}
