using System.Net;
using System.Text.Json;
using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Kafka;

/// <summary>/health of a node whose room events go through Kafka follows Kafka going away and coming back.</summary>
public sealed class KafkaHealthTests
{
    [Fact]
    public async Task Health_turns_503_naming_Kafka_while_its_brokers_are_down_and_200_once_they_are_back()
    {
        // Its own mock: taking brokers down must not disturb other tests.
        using var mock = new KafkaMockCluster();
        await using var node = await KafkaEdgeNode.StartAsync($"kafka-health-{Guid.NewGuid():N}", KafkaTarget.Fresh(mock));
        using var http = new HttpClient { Timeout = TestIds.Timeout };
        var last = (Status: HttpStatusCode.OK, Description: "");

        async Task<bool> IsAsync(HttpStatusCode status)
        {
            using var response = await http.GetAsync($"{node.Url}/health");
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            last = (response.StatusCode, body.GetProperty("description").GetString() ?? "");
            return response.StatusCode == status;
        }

        await Poll.UntilAsync(() => IsAsync(HttpStatusCode.OK), TestIds.Timeout, () => $"not healthy at start: {last}");
        Assert.Contains("event stream reachable", last.Description);

        mock.StopBrokers();
        await Poll.UntilAsync(() => IsAsync(HttpStatusCode.ServiceUnavailable), TestIds.Timeout, () => $"still {last} with Kafka down");
        Assert.Contains("Kafka", last.Description);

        mock.StartBrokers();
        await Poll.UntilAsync(() => IsAsync(HttpStatusCode.OK), TimeSpan.FromSeconds(60), () => $"still {last} after Kafka came back");
    }
}
