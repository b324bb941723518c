using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansChat.Edge.Hosting;
using OrleansChat.Edge.Hubs;
using Orleans.Configuration;
using Orleans.Hosting;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Kafka;

/// <summary>
/// A real chat node (edge + co-hosted silo) on free loopback ports, its streams on Kafka. The
/// first node of a test is the cluster's primary silo; later ones join it.
/// </summary>
public sealed class KafkaEdgeNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KafkaEdgeNode(WebApplication app, string url, int siloPort)
    {
        _app = app;
        Url = url;
        SiloPort = siloPort;
    }

    public string Url { get; }

    public int SiloPort { get; }

    public static async Task<KafkaEdgeNode> StartAsync(string clusterId, KafkaTarget kafka, KafkaEdgeNode? primary = null)
    {
        var siloPort = Ports.Free();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chat:Cluster:ClusterId"] = clusterId,
            ["Chat:Cluster:ServiceId"] = clusterId,
            ["Chat:Cluster:SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Chat:Cluster:GatewayPort"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Chat:Auth:DevTokens"] = "true",
            ["Chat:Auth:SigningKey"] = "kafka-edge-test-signing-key-0123456789abcdef",
            ["Chat:Streams:Provider"] = "Kafka",
            ["Chat:Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Chat:Kafka:Topic"] = kafka.Topic,
            ["Chat:Kafka:ConsumerGroup"] = kafka.ConsumerGroup,
            ["Chat:Kafka:Partitions"] = kafka.Partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddChatSilo();
        builder.AddChatEdge();
        if (primary is not null)
        {
            // Localhost clustering makes every node its own primary; later nodes join the first.
            builder.Services.Configure<DevelopmentClusterMembershipOptions>(o => o.PrimarySiloEndpoint = new IPEndPoint(IPAddress.Loopback, primary.SiloPort));
        }

        var app = builder.Build();
        app.MapChatEdge();
        await app.StartAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return new KafkaEdgeNode(app, app.Urls.First(), siloPort);
    }

    public async Task<string> TokenAsync(string userId)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TestIds.Timeout };
        using var response = await http.PostAsJsonAsync("/api/auth/dev-token", new { userId });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenBody>().WaitAsync(TestIds.Timeout);
        return body?.AccessToken ?? throw new InvalidOperationException("no token in the dev-token answer");
    }

    public async Task<HubConnection> ConnectAsync(string userId)
    {
        var token = await TokenAsync(userId);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(new Uri(Url), HubNames.HubPath), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        await connection.StartAsync().WaitAsync(TestIds.Timeout);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromMinutes(1));
        await _app.DisposeAsync().AsTask().WaitAsync(TestIds.Timeout);
    }

    private sealed record TokenBody(string AccessToken);
}
