using System.Diagnostics;
using OrleansChat.Silo.Persistence.Redis;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Storage.Infrastructure;

/// <summary>
/// A private redis-server on a free port, without persistence, stopped with the fixture. Redis can
/// run on every machine that runs these tests, so nothing here ever skips: a missing binary fails.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private Process? _process;

    public int Port { get; private set; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>A connection for tests that use the stores directly.</summary>
    public RedisConnection Connection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var executable = FindOnPath("redis-server")
            ?? throw new InvalidOperationException("redis-server is not installed (apt-get install -y redis-server); the Redis tests need it and never skip");

        // The port is free when chosen but another process may take it before Redis binds: try again then.
        for (var attempt = 1; ; attempt++)
        {
            Port = Ports.Free();
            var (process, ready) = Start(executable, Port);
            if (await ready.WaitAsync(TestIds.Timeout))
            {
                _process = process;
                break;
            }

            process.Kill(entireProcessTree: true);
            process.Dispose();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"redis-server did not start on port {Port}");
            }
        }

        Connection = new RedisConnection(ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync().AsTask().WaitAsync(TestIds.Timeout);
        }

        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TestIds.Timeout);
        }

        _process?.Dispose();
    }

    /// <summary>Starts redis-server; the task completes with true once it logs that it accepts connections, false if it exits first.</summary>
    private static (Process Process, Task<bool> Ready) Start(string executable, int port)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            info.ArgumentList.Add(argument);
        }

        var ready = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("Ready to accept connections", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult(true);
            }
        };
        process.Exited += (_, _) => ready.TrySetResult(false);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, ready.Task);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
