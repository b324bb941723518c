using System.Globalization;
using System.Net;
using System.Text;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Edge;

/// <summary>A real node with an OTLP endpoint exports the send path's spans there.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task A_send_is_exported_as_spans_of_hub_grain_store_fanout_and_stream()
    {
        var collectorPort = Ports.Free();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{collectorPort}/");
        collector.Start();
        await using var node = await EdgeProcess.StartAsync(new Dictionary<string, string>
        {
            ["Chat:Telemetry:OtlpEndpoint"] = $"http://127.0.0.1:{collectorPort.ToString(CultureInfo.InvariantCulture)}",
            ["Chat:Telemetry:OtlpProtocol"] = "HttpProtobuf",
        });

        var room = TestIds.Room("traced");
        await using var alice = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("alice"));
        await alice.JoinAsync(room);
        await alice.SendAsync(room, "follow me");

        // OTLP bodies are protobuf, in which span names travel as plain UTF-8.
        string[] wanted = ["chat.store.append", "chat.fanout", "chat.stream.publish", "SendFromNode", "SendMessage"];
        var received = new StringBuilder();
        var paths = new HashSet<string>(StringComparer.Ordinal);
        using var deadline = new CancellationTokenSource(TestIds.Timeout);
        while (!wanted.All(name => received.ToString().Contains(name, StringComparison.Ordinal)))
        {
            HttpListenerContext request;
            try
            {
                request = await collector.GetContextAsync().WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"spans missing after {TestIds.Timeout}: {string.Join(", ", wanted.Where(n => !received.ToString().Contains(n, StringComparison.Ordinal)))}; posts to {string.Join(", ", paths)}\n{string.Join(" | ", System.Text.RegularExpressions.Regex.Matches(received.ToString(), "[ -~]{6,}").Select(m => m.Value).Distinct())}");
                return;
            }

            paths.Add(request.Request.Url?.AbsolutePath ?? "");
            using (var body = new MemoryStream())
            {
                await request.Request.InputStream.CopyToAsync(body);
                received.Append(Encoding.Latin1.GetString(body.ToArray()));
            }

            request.Response.StatusCode = 200;
            request.Response.Close();
        }

        Assert.Equal(["/v1/traces"], paths);
    }
}
