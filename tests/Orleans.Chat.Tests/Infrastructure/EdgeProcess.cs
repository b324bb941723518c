using System.Diagnostics;
using System.Text;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// A real WebSocketEdge node in its own process, on free ports of 127.0.0.1: the same binary and
/// configuration a user runs, so end-to-end tests exercise Kestrel, SignalR and the co-hosted silo.
/// </summary>
public sealed class EdgeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private EdgeProcess(Process process, int httpPort, int siloPort, int gatewayPort)
    {
        _process = process;
        HttpPort = httpPort;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public int HttpPort { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public string BaseUrl => $"http://127.0.0.1:{HttpPort}";

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What the node printed so far; tests attach it to failures.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a node with extra configuration (<c>Key=Value</c>, as on its command line) and waits until /health is 200.</summary>
    public static async Task<EdgeProcess> StartAsync(IReadOnlyDictionary<string, string>? settings = null, int? httpPort = null, int? siloPort = null, int? gatewayPort = null, bool devTokens = true)
    {
        var http = httpPort ?? Ports.Free();
        var silo = siloPort ?? Ports.Free();
        // No gateway unless a test asks for one: the nodes do not open it by default.
        var gateway = gatewayPort ?? 0;
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.Combine(RepoPaths.Root, "WebSocketEdge"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(RepoPaths.EdgeDll);
        info.ArgumentList.Add($"--urls=http://127.0.0.1:{http}");
        info.ArgumentList.Add($"--Chat:Cluster:SiloPort={silo}");
        if (gateway != 0)
        {
            info.ArgumentList.Add($"--Chat:Cluster:GatewayPort={gateway}");
        }

        // Tests sign in as a developer does; the binary itself runs as Production, dev tokens off.
        if (devTokens)
        {
            info.ArgumentList.Add("--Chat:Auth:DevTokens=true");
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            info.ArgumentList.Add($"--{key}={value}");
        }

        var node = Adopt(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"), http, silo, gateway);
        try
        {
            await node.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        return node;
    }

    /// <summary>A node some other way started (e.g. a replayed image's entrypoint), with redirected output: captured from now on.</summary>
    public static EdgeProcess Adopt(Process process, int httpPort, int siloPort, int gatewayPort)
    {
        var node = new EdgeProcess(process, httpPort, siloPort, gatewayPort);
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"node exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync($"{BaseUrl}/health");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but not answering yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"node on {BaseUrl} not healthy after {timeout}:\n{Output}");
            }

            await poll.WaitForNextTickAsync();
        }
    }

    /// <summary>Kills the node without warning (like <c>kill -9</c>).</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TestIds.Timeout);
        }
    }

    /// <summary>Asks the node to stop (SIGTERM) and waits for it to drain and exit.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        await TerminateAsync();
        await WaitForExitAsync(timeout);
    }

    /// <summary>Sends SIGTERM and returns at once: the node drains while the test watches.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync().WaitAsync(TestIds.Timeout);
    }

    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
