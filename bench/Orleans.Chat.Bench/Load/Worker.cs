using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansChat.Bench.Protocol;

namespace OrleansChat.Bench.Load;

/// <summary>
/// One generator process: its slice of the clients (every W-th), a send scheduler, keep-alives and
/// a stats line on stdout every second. The coordinator drives it with lines on stdin:
/// <c>rate R</c>, <c>drop P</c>, <c>stop</c>.
/// </summary>
public sealed class Worker(BenchOptions options)
{
    private readonly Counters _counters = new();
    private readonly List<BenchClient> _clients = [];
    private readonly object _output = new();
    private volatile float _rate;
    private int _rateVersion;

    public async Task<int> RunAsync()
    {
        using var stop = new CancellationTokenSource();
        IChatProtocol protocol = options.Target == Target.Orleans ? new SignalRProtocol(options.HubPath) : new SocketIoProtocol();
        var context = new ClientContext(protocol, new Uri(options.Url), _counters, options.BindSources, options.PayloadBytes, TimeSpan.FromSeconds(options.CallTimeoutSeconds));
        for (var g = options.WorkerIndex; g < options.Clients; g += options.Workers)
        {
            _clients.Add(CreateClient(g, context));
        }

        var stats = EmitStatsAsync(stop.Token);
        var keepAlive = KeepAliveAsync(stop.Token);
        await ConnectAllAsync(protocol, stop.Token);
        EmitStats();
        Emit(new { type = "ready" });
        var scheduler = ScheduleSendsAsync(stop.Token);
        await ReadCommandsAsync();
        _rate = 0;
        await Task.WhenAll(_clients.Select(c => c.CloseAsync()));
        await stop.CancelAsync();
        await Task.WhenAll(stats, keepAlive, scheduler).ContinueWith(_ => { }, TaskScheduler.Default);
        EmitStats();
        return 0;
    }

    private BenchClient CreateClient(int g, ClientContext context)
    {
        var user = $"{options.RunId}-u{g}";
        return options.Scenario == Scenario.Dm
            ? new BenchClient(g, user, context) { PeerId = $"{options.RunId}-u{g ^ 1}" }
            : new BenchClient(g, user, context) { RoomId = $"{options.RunId}-r{g / options.RoomSize}" };
    }

    private async Task ConnectAllAsync(IChatProtocol protocol, CancellationToken cancellation)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = new Uri(options.Url), Timeout = TimeSpan.FromSeconds(options.CallTimeoutSeconds) };
        using var gate = new SemaphoreSlim(128);
        var perWorkerRate = Math.Max(1.0, options.ConnectRate / (double)options.Workers);
        var clock = Stopwatch.StartNew();
        var tasks = new List<Task>(_clients.Count);
        for (var i = 0; i < _clients.Count; i++)
        {
            var due = TimeSpan.FromSeconds(i / perWorkerRate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, cancellation);
            }

            await gate.WaitAsync(cancellation);
            var client = _clients[i];
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    if (protocol.UsesTokens && client.Token is null)
                    {
                        client.Token = await FetchTokenAsync(http, client.UserId, cancellation);
                    }

                    await client.ConnectAsync(reconnect: false, cancellation);
                    _counters.Add(Counter.Connected);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    _counters.Add(Counter.ConnectFailed);
                    _counters.Error("connect", ex.Message);
                    await client.DropAsync();
                }
                finally
                {
                    gate.Release();
                }
            }, cancellation));
        }

        await Task.WhenAll(tasks);
    }

    private static async Task<string> FetchTokenAsync(HttpClient http, string userId, CancellationToken cancellation)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/dev-token", new { userId }, cancellation);
        response.EnsureSuccessStatusCode();
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellation), cancellationToken: cancellation);
        return body.RootElement.GetProperty("accessToken").GetString() ?? throw new InvalidOperationException("no accessToken in the dev-token response");
    }

    private async Task ReadCommandsAsync()
    {
        while (await Console.In.ReadLineAsync() is { } line)
        {
            var parts = line.Split(' ', 2);
            switch (parts[0])
            {
                case "rate":
                    _rate = float.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                    Interlocked.Increment(ref _rateVersion);
                    break;
                case "drop":
                    _ = DropAndReconnectAsync(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case "stop":
                    return;
            }
        }
    }

    /// <summary>Drops every client whose index falls in the first P of each hundred, all at once, then reconnects each.</summary>
    private async Task DropAndReconnectAsync(int percent)
    {
        var victims = _clients.Where(c => c.Index % 100 < percent && c.IsConnected).ToList();
        await Task.WhenAll(victims.Select(async client =>
        {
            await client.DropAsync();
            try
            {
                await client.ConnectAsync(reconnect: true, CancellationToken.None);
                _counters.Add(Counter.Reconnects);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _counters.Add(Counter.ReconnectFailed);
                _counters.Error("reconnect", ex.Message);
            }
        }));
    }

    /// <summary>
    /// One loop for all clients: a queue ordered by next send time. A client still waiting for many
    /// acks skips its turn (counted), so a slow server shows as lag and skips, not as unbounded memory.
    /// </summary>
    private async Task ScheduleSendsAsync(CancellationToken cancellation)
    {
        var queue = new PriorityQueue<BenchClient, double>();
        var clock = Stopwatch.StartNew();
        var random = new Random(options.WorkerIndex + 1);
        var version = -1;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        while (await timer.WaitForNextTickAsync(cancellation))
        {
            var rate = _rate;
            var now = clock.Elapsed.TotalSeconds;
            if (version != Volatile.Read(ref _rateVersion))
            {
                version = Volatile.Read(ref _rateVersion);
                queue.Clear();
                if (rate > 0)
                {
                    foreach (var client in _clients)
                    {
                        queue.Enqueue(client, now + random.NextDouble() * 2 / rate);
                    }
                }
            }

            while (rate > 0 && queue.TryPeek(out var client, out var due) && due <= now)
            {
                queue.Dequeue();
                queue.Enqueue(client, due + (0.4 + random.NextDouble() * 1.6) / (1.2 * rate));
                if (!client.IsConnected || client.OutstandingSends >= 16)
                {
                    _counters.Add(Counter.Skipped);
                    continue;
                }

                _ = client.SendMessageAsync();
            }
        }
    }

    /// <summary>
    /// Client pings as @microsoft/signalr sends them by default: 15 s after the client's last message.
    /// Checked every 5 s, so a quiet client pings at most 20 s apart, within the server's 30 s timeout.
    /// (Socket.IO clients only answer the server's pings; their protocol has no client keep-alive.)
    /// </summary>
    private async Task KeepAliveAsync(CancellationToken cancellation)
    {
        var quietFor = TimeSpan.FromSeconds(15);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        while (await timer.WaitForNextTickAsync(cancellation).AsTask().ContinueWith(t => !t.IsCanceled && t.Result, TaskScheduler.Default))
        {
            foreach (var client in _clients)
            {
                _ = client.SendKeepAliveAsync(quietFor);
            }
        }
    }

    private async Task EmitStatsAsync(CancellationToken cancellation)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(cancellation).AsTask().ContinueWith(t => !t.IsCanceled && t.Result, TaskScheduler.Default))
        {
            EmitStats();
        }
    }

    private void EmitStats()
    {
        var connected = _clients.Count(c => c.IsConnected);
        var ack = _counters.AckLatency.Drain();
        var deliver = _counters.DeliverLatency.Drain();
        var connect = _counters.ConnectLatency.Drain();
        Emit(new WorkerStat(connected, _counters.Totals(), _counters.Errors(),
            new HistogramDelta(ack.Buckets, ack.Max), new HistogramDelta(deliver.Buckets, deliver.Max), new HistogramDelta(connect.Buckets, connect.Max)));
    }

    private void Emit(object line)
    {
        var json = JsonSerializer.Serialize(line);
        lock (_output)
        {
            Console.Out.WriteLine(json);
            Console.Out.Flush();
        }
    }
}

public sealed record HistogramDelta(List<long[]> Buckets, long Max);

public sealed record WorkerStat(int Connected, Dictionary<string, long> Totals, Dictionary<string, long> Errors, HistogramDelta Ack, HistogramDelta Deliver, HistogramDelta Connect)
{
    public string Type => "stat";
}
