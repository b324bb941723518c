using System.Net;
using System.Text.Json;
using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Kafka;

/// <summary>/health of a node whose room events go through Kafka follows Kafka going away and coming back.</summary>
public sealed class KafkaHealthTests
{
    [Fact]
    public async Task Health_reports_the_stream_degraded_naming_Kafka_while_its_brokers_are_down_without_refusing_the_node()
    {
        // Its own mock: taking brokers down must not disturb other tests.
        using var mock = new KafkaMockCluster();
        await using var node = await KafkaEdgeNode.StartAsync($"kafka-health-{Guid.NewGuid():N}", KafkaTarget.Fresh(mock));
        using var http = new HttpClient { Timeout = TestIds.Timeout };
        var last = (Code: HttpStatusCode.OK, Status: "", Description: "", HasLag: false);

        async Task<bool> IsAsync(string status)
        {
            using var response = await http.GetAsync($"{node.Url}/health");
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            last = (response.StatusCode, body.GetProperty("status").GetString() ?? "", body.GetProperty("description").GetString() ?? "",
                body.TryGetProperty("streamLag", out var lag) && lag.ValueKind == JsonValueKind.Number);
            return last.Status == status;
        }

        await Poll.UntilAsync(() => IsAsync("healthy"), TestIds.Timeout, () => $"not healthy at start: {last}");
        Assert.Contains("event stream reachable", last.Description);
        Assert.True(last.HasLag, "/health has no streamLag field");

        // Sends do not need Kafka, so nginx must keep choosing the node: 200, degraded, with the reason.
        mock.StopBrokers();
        await Poll.UntilAsync(() => IsAsync("degraded"), TestIds.Timeout, () => $"still {last} with Kafka down");
        Assert.Equal(HttpStatusCode.OK, last.Code);
        Assert.Contains("Kafka", last.Description);
        Assert.Contains("sends are stored", last.Description);

        mock.StartBrokers();
        await Poll.UntilAsync(() => IsAsync("healthy"), TimeSpan.FromSeconds(60), () => $"still {last} after Kafka came back");
    }
}
