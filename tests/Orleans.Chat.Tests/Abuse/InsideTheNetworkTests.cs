using System.Globalization;
using System.Net.WebSockets;
using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Abuse;

/// <summary>What a node exposes: its ports, the headers of its page, and what its logs may hold.</summary>
[Collection(EdgeNodeCollection.Name)]
public sealed class InsideTheNetworkTests(EdgeNodeFixture shared)
{
    [Fact]
    public async Task The_page_and_the_api_send_a_content_security_policy_and_the_usual_headers()
    {
        using var http = new HttpClient { Timeout = TestIds.Timeout };
        foreach (var path in new[] { "/", "/app.js", "/health" })
        {
            using var response = await http.GetAsync(shared.BaseUrl + path);
            Assert.Contains("default-src 'self'", Header(response, "Content-Security-Policy"));
            Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
            Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
            Assert.Equal("DENY", Header(response, "X-Frame-Options"));
            Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        }
    }

    [Fact]
    public async Task No_token_reaches_the_log_even_with_request_logging_asked_for_and_no_gateway_listens()
    {
        await using var node = await EdgeProcess.StartAsync(new Dictionary<string, string>
        {
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
        });
        var token = await TestChatClient.GetTokenAsync(node.BaseUrl, TestIds.User("alice"));
        await using (var client = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("bob")))
        {
            await client.InvokeAsync<System.Text.Json.JsonElement>("GetRooms");
        }

        using (var socket = new ClientWebSocket())
        {
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{node.HttpPort}/hubs/chat?access_token={token}"), CancellationToken.None).WaitAsync(TestIds.Timeout);
            socket.Abort();
        }

        // A refused token is not logged either.
        using var http = new HttpClient { Timeout = TestIds.Timeout };
        var tampered = token[..^4] + "AAAA";
        using (await http.GetAsync($"{node.BaseUrl}/hubs/chat/negotiate?access_token={tampered}"))
        {
        }

        // The health request is the marker: once its endpoint shows in the log, the requests before it have been logged.
        using (await http.GetAsync($"{node.BaseUrl}/health"))
        {
        }

        await Poll.UntilAsync(() => node.Output.Contains("Health checks", StringComparison.Ordinal), TestIds.Timeout, () => "the health request never showed in the log");
        var signature = token[(token.LastIndexOf('.') + 1)..];
        Assert.DoesNotContain(signature, node.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("access_token=", node.Output, StringComparison.Ordinal);

        var listening = ListeningPorts(node.ProcessId);
        Assert.Equal([node.HttpPort, node.SiloPort], listening.Order().ToArray());
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : "";

    /// <summary>TCP ports the process listens on, from /proc: its socket inodes matched against the kernel's socket tables.</summary>
    private static List<int> ListeningPorts(int pid)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFiles($"/proc/{pid}/fd"))
        {
            if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                inodes.Add(target["socket:[".Length..^1]);
            }
        }

        var ports = new HashSet<int>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields[3] == "0A" && inodes.Contains(fields[9]))
                {
                    ports.Add(int.Parse(fields[1][(fields[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                }
            }
        }

        return ports.ToList();
    }
}
