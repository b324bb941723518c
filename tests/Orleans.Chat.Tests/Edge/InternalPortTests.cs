using System.Net;
using System.Text.Json;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Edge;

/// <summary>The operators' port: the cluster view always, the Orleans Dashboard only while it is switched on.</summary>
public sealed class InternalPortTests
{
    [Theory]
    [InlineData(true, HttpStatusCode.OK)]
    [InlineData(false, HttpStatusCode.NotFound)]
    public async Task The_dashboard_can_be_switched_off_while_the_cluster_view_stays(bool dashboard, HttpStatusCode expected)
    {
        var internalPort = Ports.Free();
        await using var node = await EdgeProcess.StartAsync(new Dictionary<string, string>
        {
            ["Chat:Edge:InternalPort"] = internalPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Chat:Edge:Dashboard"] = dashboard ? "true" : "false",
        });
        using var http = new HttpClient { Timeout = TestIds.Timeout };

        using (var page = await http.GetAsync($"http://127.0.0.1:{internalPort}/dashboard/"))
        {
            Assert.Equal(expected, page.StatusCode);
        }

        var view = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{internalPort}/cluster")).RootElement;
        Assert.Equal("Active", view.GetProperty("status").GetString());
        Assert.Single(view.GetProperty("members").EnumerateArray());

        // Neither is ever on the public port.
        using var outside = await http.GetAsync($"{node.BaseUrl}/cluster");
        Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
    }
}
