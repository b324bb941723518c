using System.Diagnostics;
using Orleans.Chat.Tests.Infrastructure;

namespace Orleans.Chat.Tests.Bench;

/// <summary>
/// A real Orleans.Chat node as its own process (the WebSocketEdge build next to the tests), on free
/// ports chosen now, so the generator talks to it over real sockets exactly as it would in a run.
/// </summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private NodeProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public int Pid => _process.Id;

    public static async Task<NodeProcess> StartAsync(TimeSpan timeout)
    {
        var (http, silo, gateway) = (Ports.Free(), Ports.Free(), Ports.Free());
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        foreach (var arg in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "Orleans.Chat.WebSocketEdge.dll"), "--urls", $"http://127.0.0.1:{http}",
                     $"--Chat:Cluster:SiloPort={silo}", $"--Chat:Cluster:GatewayPort={gateway}", "--Chat:Cluster:Clustering=Localhost",
                     "--Chat:Store:Provider=Memory", "--Chat:Auth:DevTokens=true", "--Logging:LogLevel:Default=Warning",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node process did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var node = new NodeProcess(process, new Uri($"http://127.0.0.1:{http}"));
        await node.WaitHealthyAsync(timeout);
        return node;
    }

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"node exited with code {_process.ExitCode} before it was healthy");
            }

            try
            {
                using var response = await client.GetAsync(new Uri(Url, "/health"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet: poll again until the deadline.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"node at {Url} not healthy within {timeout}");
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }

        _process.Dispose();
    }
}
