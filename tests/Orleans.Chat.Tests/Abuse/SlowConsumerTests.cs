using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansChat.Tests.Abuse;

/// <summary>
/// A client that stops reading a busy room is cut once the node holds a bounded amount for it, is
/// told why, and gets everything back by Resume; the others in the room miss nothing.
/// Its own node: the node's memory is measured, and the close grace is long enough for a loaded machine.
/// </summary>
public sealed class SlowConsumerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Senders = 4;
    private const int PerSender = 150;
    private const string CutLine = "closed as a slow consumer";

    private EdgeProcess _node = null!;

    public async Task InitializeAsync() => _node = await EdgeProcess.StartAsync(new Dictionary<string, string>
    {
        ["Chat:RateLimit:Burst"] = "1000",
        ["Chat:Edge:SlowConsumerCloseGrace"] = "00:01:00",
    });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task A_member_that_stops_reading_is_cut_with_a_reason_and_resumes_while_the_others_get_everything()
    {
        var roomId = TestIds.Room("busy");
        var slowId = TestIds.User("slow");
        await using (var setup = await TestChatClient.ConnectAsync(_node.BaseUrl, slowId))
        {
            await setup.JoinAsync(roomId);
        }

        var members = new List<TestChatClient>();
        try
        {
            for (var i = 0; i < Senders; i++)
            {
                var member = await TestChatClient.ConnectAsync(_node.BaseUrl, TestIds.User($"fast{i}"));
                members.Add(member);
                await member.JoinAsync(roomId);
            }

            using var slow = await ConnectSlowReaderAsync(slowId);
            using var stopPings = new CancellationTokenSource();
            var pings = PingAsync(slow, stopPings.Token);
            var rssBefore = RssKiB(_node.ProcessId);

            // 600 messages of 4 000 CJK characters: ~7 MB for each member, more than the slow
            // member's socket buffers and the node's 2 MiB bound together. Each sender waits for
            // its ack before the next, as a person does, so members that read keep up.
            var text = new string('中', 4000);
            var acks = await Task.WhenAll(members.Select(m => SendInTurnAsync(m, roomId, text))).WaitAsync(TestIds.Timeout * 3);
            var lastSeq = acks.SelectMany(a => a).Max(a => a.GetProperty("seq").GetInt64());
            var rssAfter = RssKiB(_node.ProcessId);
            output.WriteLine($"node RSS before the burst {rssBefore} KiB, after {rssAfter} KiB (+{rssAfter - rssBefore} KiB)");

            // Everyone who reads gets every message, their own included.
            foreach (var member in members)
            {
                await member.WaitForAsync("message", m => m.GetProperty("roomId").GetString() == roomId && m.GetProperty("seq").GetInt64() == lastSeq, TestIds.Timeout * 3);
                // The wait took the last message out of the record.
                var seqs = member.ReceivedMessages(roomId).Select(m => m.GetProperty("seq").GetInt64()).Append(lastSeq).ToList();
                Assert.Equal(Senders * PerSender, seqs.Distinct().Count());
            }

            // The node cut the slow member while the room was busy; it then sends what it holds for
            // it, ending with SignalR's close message, which carries the reason.
            await Poll.UntilAsync(() => _node.Output.Contains(CutLine, StringComparison.Ordinal), TestIds.Timeout * 3, () => "the node never cut the slow member");
            var (bytes, close) = await DrainAsync(slow);
            await stopPings.CancelAsync();
            await pings.WaitAsync(TestIds.Timeout);
            output.WriteLine($"the slow member got {bytes} bytes, then: {close}");
            Assert.Contains("\"type\":7", close, StringComparison.Ordinal);
            Assert.Contains("slow consumer", close, StringComparison.Ordinal);
            Assert.Contains("\"allowReconnect\":true", close, StringComparison.Ordinal);

            // The slow member comes back and resumes: nothing is lost to it either.
            await using var back = await TestChatClient.ConnectAsync(_node.BaseUrl, slowId);
            var resumed = new List<long>();
            long after = 0;
            while (true)
            {
                var page = await back.InvokeAsync<JsonElement>("Resume", roomId, after);
                if (page.GetArrayLength() == 0)
                {
                    break;
                }

                resumed.AddRange(page.EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()));
                after = resumed[^1];
            }

            Assert.Equal(Senders * PerSender, resumed.Distinct().Count());
        }
        finally
        {
            foreach (var member in members)
            {
                await member.DisposeAsync();
            }
        }
    }

    private static async Task<List<JsonElement>> SendInTurnAsync(TestChatClient sender, string roomId, string text)
    {
        var acks = new List<JsonElement>();
        for (var i = 0; i < PerSender; i++)
        {
            acks.Add(await sender.SendAsync(roomId, text));
        }

        return acks;
    }

    /// <summary>A raw WebSocket with a 4 KB receive buffer: handshake, one call to know it is routed to its rooms, then no reading.</summary>
    private async Task<ClientWebSocket> ConnectSlowReaderAsync(string userId)
    {
        var token = await TestChatClient.GetTokenAsync(_node.BaseUrl, userId);
        var socket = new ClientWebSocket();
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler { ConnectCallback = ConnectWithSmallBufferAsync });
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{_node.HttpPort}/hubs/chat?access_token={token}"), invoker, CancellationToken.None).WaitAsync(TestIds.Timeout);
        await SendTextAsync(socket, "{\"protocol\":\"json\",\"version\":1}\u001e");
        await SendTextAsync(socket, "{\"type\":1,\"invocationId\":\"r\",\"target\":\"GetRooms\",\"arguments\":[]}\u001e");
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().Contains("\"invocationId\":\"r\"", StringComparison.Ordinal))
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(TestIds.Timeout);
            received.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }

        return socket;
    }

    /// <summary>
    /// Pings as SignalR clients do while they are connected (sending is not reading): without them
    /// the node would close the connection for silence (30 s) on a slow machine before the bound is reached.
    /// </summary>
    private static async Task PingAsync(ClientWebSocket socket, CancellationToken stop)
    {
        using var every = new PeriodicTimer(TimeSpan.FromSeconds(5));
        try
        {
            while (await every.WaitForNextTickAsync(stop) && socket.State == WebSocketState.Open)
            {
                await SendTextAsync(socket, "{\"type\":6}\u001e");
            }
        }
        catch (OperationCanceledException)
        {
            // The test is done with the socket.
        }
        catch (WebSocketException)
        {
            // The node closed the socket: the drain reports how.
        }
    }

    private static Task SendTextAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(TestIds.Timeout);

    private static async ValueTask<Stream> ConnectWithSmallBufferAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Reads everything until the server closes; returns the byte count and the last SignalR record before the close.</summary>
    private static async Task<(long Bytes, string LastRecord)> DrainAsync(ClientWebSocket socket)
    {
        var buffer = new byte[256 * 1024];
        var tail = new StringBuilder();
        long total = 0;
        using var cts = new CancellationTokenSource(TestIds.Timeout * 3);
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                var records = tail.ToString().Split('\u001e', StringSplitOptions.RemoveEmptyEntries);
                return (total, records.Length == 0 ? "(nothing)" : records[^1]);
            }

            total += result.Count;
            tail.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            if (tail.Length > 64 * 1024)
            {
                tail.Remove(0, tail.Length - 16 * 1024);
            }
        }
    }

    private static long RssKiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
