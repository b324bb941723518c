using System.Globalization;
using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansChat.Tests.Edge;

/// <summary>
/// Idle connections cost no timer each: SignalR's keep-alive and client-timeout checks, token expiry
/// and the node's own bookkeeping run on shared timers, so the node's timer count (the runtime's
/// <c>dotnet.timer.count</c>) does not grow with the number of connections.
/// </summary>
public sealed class IdleConnectionTimerTests(ITestOutputHelper output)
{
    private const int Connections = 100;

    [Fact]
    public async Task A_hundred_idle_connections_add_no_timer_each()
    {
        var internalPort = Ports.Free();
        await using var node = await EdgeProcess.StartAsync(new Dictionary<string, string>
        {
            ["Chat:Edge:InternalPort"] = internalPort.ToString(CultureInfo.InvariantCulture),
            ["Chat:Edge:Dashboard"] = "false",
        });
        var metrics = $"http://127.0.0.1:{internalPort}/metrics";
        var room = TestIds.Room("idle");
        var clients = new List<TestChatClient>();
        try
        {
            // One connection first, so that whatever the first connection starts once is counted before.
            clients.Add(await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("first")));
            await clients[0].JoinAsync(room);
            var before = await TimersAsync(metrics);
            for (var i = 0; i < Connections; i++)
            {
                var client = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User($"idle{i}"));
                clients.Add(client);
                await client.JoinAsync(room);
            }

            var after = await TimersAsync(metrics);
            output.WriteLine($"timers with 1 connection: {before}; with {Connections + 1}: {after}; per added connection: {(after - before) / Connections:0.00}");

            // A timer per connection would add 100; a few come and go with the traffic of the test itself.
            Assert.True(after - before < Connections / 4, $"{after - before} timers more for {Connections} connections");
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static async Task<double> TimersAsync(string url) => (await PrometheusText.ScrapeAsync(url)).Sum("dotnet_timer_count");
}
