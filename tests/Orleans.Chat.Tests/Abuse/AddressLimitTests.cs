using System.Net;
using System.Text;
using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Abuse;

/// <summary>nginx's per-address limits: one address cannot flood, a NAT's worth of users is not refused.</summary>
[Collection(EdgeNodeCollection.Name)]
public sealed class AddressLimitTests(EdgeNodeFixture node)
{
    [Fact]
    public async Task One_address_flooding_health_is_refused_with_429_while_another_address_is_served()
    {
        await using var nginx = await NginxProcess.StartAsync([node.Node.HttpPort]);
        using var flooder = new HttpClient(BoundSockets.Handler(IPAddress.Parse("127.31.1.1"))) { Timeout = TestIds.Timeout };
        using var neighbour = new HttpClient(BoundSockets.Handler(IPAddress.Parse("127.31.2.1"))) { Timeout = TestIds.Timeout };

        var statuses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => StatusAsync(flooder, HttpMethod.Get, $"{nginx.BaseUrl}/health")));

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 20, 40);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(neighbour, HttpMethod.Get, $"{nginx.BaseUrl}/health"));
    }

    [Fact]
    public async Task A_nat_of_users_signing_in_together_gets_its_tokens_and_a_token_flood_does_not()
    {
        await using var nginx = await NginxProcess.StartAsync([node.Node.HttpPort]);
        using var office = new HttpClient(BoundSockets.Handler(IPAddress.Parse("127.32.1.1"))) { Timeout = TestIds.Timeout };

        // 150 users behind one address sign in at once: all get tokens.
        var signIns = await Task.WhenAll(Enumerable.Range(0, 150).Select(i => StatusAsync(office, HttpMethod.Post, $"{nginx.BaseUrl}/api/auth/dev-token", $"{{\"userId\":\"nat-{i}\"}}")));
        Assert.All(signIns, s => Assert.Equal(HttpStatusCode.OK, s));

        // Hundreds more at once from the same address are cut to the refill rate.
        var flood = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => StatusAsync(office, HttpMethod.Post, $"{nginx.BaseUrl}/api/auth/dev-token", $"{{\"userId\":\"flood-{i}\"}}")));
        Assert.Contains(HttpStatusCode.TooManyRequests, flood);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, HttpMethod method, string url, string? json = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
