using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.SignalR;
using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Edge;

/// <summary>
/// <c>/metrics</c> as Prometheus scrapes it: on a real node's internal port, moving with real sends,
/// deliveries and refusals; never on the public port, nor through nginx.
/// </summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Counters_and_histograms_move_with_real_sends_and_a_refused_call()
    {
        var internalPort = Ports.Free();
        await using var node = await StartNodeAsync(internalPort);
        var metricsUrl = $"http://127.0.0.1:{internalPort}/metrics";
        var before = await PrometheusText.ScrapeAsync(metricsUrl);

        var room = TestIds.Room("metrics");
        await using (var alice = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("alice")))
        {
            await alice.JoinAsync(room);
            for (var i = 0; i < 3; i++)
            {
                await alice.SendAsync(room, $"hello {i}");
            }

            // Refused: alice is no member of this room.
            await Assert.ThrowsAsync<HubException>(() => alice.SendAsync(TestIds.Room("elsewhere"), "no")).WaitAsync(TestIds.Timeout);
            await alice.WaitForAsync("message", m => m.GetProperty("seq").GetInt64() == 3);

            var during = await ScrapeUntilAsync(metricsUrl, s => Delta(s, before, "chat_messages_delivered_total") >= 3);
            Assert.Equal(3, Delta(during, before, "chat_messages_sent_total"));
            Assert.Equal(3, Delta(during, before, "chat_hub_calls_total", ("method", "SendMessage"), ("outcome", "ok")));
            Assert.Equal(1, Delta(during, before, "chat_hub_calls_total", ("method", "SendMessage"), ("outcome", "refused"), ("reason", "not_member")));
            Assert.Equal(1, Delta(during, before, "chat_hub_calls_total", ("method", "JoinRoom"), ("outcome", "ok")));
            Assert.Equal(3, Delta(during, before, "chat_hub_call_duration_seconds_count", ("method", "SendMessage"), ("outcome", "ok")));
            Assert.True(Delta(during, before, "chat_hub_call_duration_seconds_sum", ("method", "SendMessage"), ("outcome", "ok")) > 0, during.Text);
            Assert.Equal(3, Delta(during, before, "chat_messages_delivery_latency_seconds_count"));
            Assert.Equal(3, Delta(during, before, "chat_store_duration_seconds_count", ("operation", "append"), ("outcome", "ok")));
            Assert.True(Delta(during, before, "chat_stream_publish_duration_seconds_count", ("outcome", "ok")) >= 1, during.Text);
            Assert.Equal(1, during.Sum("chat_connections_current"));
            Assert.Equal(1, Delta(during, before, "chat_connections_opened_total"));

            // Orleans' own meters, the runtime's and SignalR's are on the same page.
            Assert.True(during.Has("orleans_messaging_sent_local_total") || during.Text.Contains("orleans_", StringComparison.Ordinal), "no Orleans metrics");
            Assert.True(during.Text.Contains("dotnet_gc_", StringComparison.Ordinal), "no GC metrics");
            Assert.True(during.Text.Contains("dotnet_thread_pool_", StringComparison.Ordinal), "no thread-pool metrics");
        }

        // The client closed its connection: current falls back, and the close counts as the client's.
        var after = await ScrapeUntilAsync(metricsUrl, s => Delta(s, before, "chat_connections_closed_total") >= 1);
        Assert.Equal(1, Delta(after, before, "chat_connections_closed_total", ("reason", "client")));
        Assert.Equal(0, after.Sum("chat_connections_current"));
    }

    [Fact]
    public async Task Metrics_answer_404_through_nginx_and_on_the_public_port()
    {
        var internalPort = Ports.Free();
        await using var node = await StartNodeAsync(internalPort);
        await using var nginx = await NginxProcess.StartAsync([node.HttpPort]);
        using var http = new HttpClient { Timeout = TestIds.Timeout };

        using (var inside = await http.GetAsync($"http://127.0.0.1:{internalPort}/metrics"))
        {
            Assert.Equal(HttpStatusCode.OK, inside.StatusCode);
        }

        foreach (var url in new[] { $"{nginx.BaseUrl}/metrics", $"{nginx.BaseUrl}/metrics/", $"{node.BaseUrl}/metrics" })
        {
            using var outside = await http.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
            Assert.DoesNotContain("chat_", await outside.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_node_without_metrics_serves_none()
    {
        var internalPort = Ports.Free();
        await using var node = await StartNodeAsync(internalPort, ("Chat:Telemetry:Metrics", "false"));
        using var http = new HttpClient { Timeout = TestIds.Timeout };
        using var response = await http.GetAsync($"http://127.0.0.1:{internalPort}/metrics");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>A node with the internal port on and the dashboard off (it is not what these tests look at).</summary>
    private static Task<EdgeProcess> StartNodeAsync(int internalPort, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["Chat:Edge:InternalPort"] = internalPort.ToString(CultureInfo.InvariantCulture),
            ["Chat:Edge:Dashboard"] = "false",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return EdgeProcess.StartAsync(settings);
    }

    private static double Delta(PrometheusText now, PrometheusText before, string name, params (string Key, string Value)[] labels) =>
        now.Sum(name, labels) - before.Sum(name, labels);

    /// <summary>The exporter caches a scrape for a moment, so a change shows within a few scrapes.</summary>
    private static async Task<PrometheusText> ScrapeUntilAsync(string url, Func<PrometheusText, bool> condition)
    {
        PrometheusText? last = null;
        await Poll.UntilAsync(async () => condition(last = await PrometheusText.ScrapeAsync(url)), TestIds.Timeout, () => last?.Text ?? "(no scrape)");
        return last!;
    }
}
