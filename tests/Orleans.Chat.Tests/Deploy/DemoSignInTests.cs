using System.Net.Http.Json;
using System.Text.Json;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Deploy;

/// <summary>Dev tokens switched on outside Development (the demo switch): the node says so, loudly, and so does the page.</summary>
[Collection(EdgeNodeCollection.Name)]
public sealed class DemoSignInTests(EdgeNodeFixture node)
{
    [Fact]
    public async Task Dev_tokens_outside_development_log_a_warning_and_tell_the_page()
    {
        using var http = new HttpClient { BaseAddress = new Uri(node.BaseUrl), Timeout = TestIds.Timeout };

        var config = await http.GetFromJsonAsync<JsonElement>("/api/auth/config");

        Assert.True(config.GetProperty("devTokens").GetBoolean());
        Assert.Contains("Dev tokens are ON in environment Production", node.Node.Output);
    }
}
