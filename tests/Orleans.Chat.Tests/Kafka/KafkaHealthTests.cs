using System.Net;
using System.Text.Json;
using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Kafka;

/// <summary>
/// A node whose room events go through Kafka, with Kafka going away and coming back: it stays alive
/// (<c>/health</c> 200, degraded, naming Kafka, with the relay's lag) and is not ready (<c>/ready</c>
/// 503) meanwhile; both recover once a broker answers.
/// </summary>
public sealed class KafkaHealthTests
{
    [Fact]
    public async Task Readiness_turns_503_naming_Kafka_while_its_brokers_are_down_liveness_stays_200_degraded_and_both_recover()
    {
        // Its own mock: taking brokers down must not disturb other tests.
        using var mock = new KafkaMockCluster();
        await using var node = await KafkaEdgeNode.StartAsync($"kafka-health-{Guid.NewGuid():N}", KafkaTarget.Fresh(mock));
        using var http = new HttpClient { Timeout = TestIds.Timeout };
        var last = (Code: HttpStatusCode.OK, Status: "", Description: "", Stream: "", HasLag: false);

        async Task<bool> IsAsync(string path, HttpStatusCode code)
        {
            using var response = await http.GetAsync($"{node.Url}{path}");
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            last = (response.StatusCode, body.GetProperty("status").GetString() ?? "", body.GetProperty("description").GetString() ?? "",
                body.GetProperty("dependencies").GetProperty("stream").GetString() ?? "",
                body.TryGetProperty("streamLag", out var lag) && lag.ValueKind == JsonValueKind.Number);
            return response.StatusCode == code;
        }

        await Poll.UntilAsync(() => IsAsync("/ready", HttpStatusCode.OK), TestIds.Timeout, () => $"not ready at start: {last}");
        Assert.Contains("event stream reachable", last.Description);
        Assert.True(last.HasLag, "the health body has no streamLag field");

        // Sends do not need Kafka, so nginx must keep choosing the node: /health 200, degraded, with the reason.
        mock.StopBrokers();
        await Poll.UntilAsync(() => IsAsync("/ready", HttpStatusCode.ServiceUnavailable), TestIds.Timeout, () => $"still {last} with Kafka down");
        Assert.Contains("Kafka", last.Description);
        Assert.True(await IsAsync("/health", HttpStatusCode.OK), $"/health with Kafka down: {last}");
        Assert.Equal("degraded", last.Status);
        Assert.Equal("unreachable", last.Stream);
        Assert.Contains("sends are stored", last.Description);

        mock.StartBrokers();
        await Poll.UntilAsync(() => IsAsync("/ready", HttpStatusCode.OK), TimeSpan.FromSeconds(60), () => $"still {last} after Kafka came back");
        Assert.Equal("ok", last.Stream);
    }
}
