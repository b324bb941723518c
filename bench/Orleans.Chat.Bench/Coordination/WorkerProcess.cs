using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using OrleansChat.Bench.Load;

namespace OrleansChat.Bench.Coordination;

/// <summary>A worker child process: the same executable with <c>--WorkerIndex</c>; stats come back on its stdout.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reading;

    public WorkerProcess(int index, IEnumerable<string> args, Action<int, WorkerStat> onStat)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        var host = Environment.ProcessPath ?? "dotnet";
        start.FileName = host;
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add("--WorkerIndex");
        start.ArgumentList.Add(index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _process = Process.Start(start) ?? throw new InvalidOperationException("worker process did not start");
        _reading = ReadAsync(index, onStat);
    }

    public int Pid => _process.Id;

    public Task Ready => _ready.Task;

    public Task SendAsync(string command) => _process.StandardInput.WriteLineAsync(command);

    private async Task ReadAsync(int index, Action<int, WorkerStat> onStat)
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.Contains("\"type\":\"ready\"", StringComparison.Ordinal))
            {
                _ready.TrySetResult();
            }
            else if (line.StartsWith('{') && JsonSerializer.Deserialize<WorkerStat>(line, Json) is { } stat)
            {
                onStat(index, stat);
            }
        }

        _ready.TrySetException(new InvalidOperationException($"worker {index} exited before it was ready"));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await SendAsync("stop");
            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        await _reading.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _process.Dispose();
    }
}
