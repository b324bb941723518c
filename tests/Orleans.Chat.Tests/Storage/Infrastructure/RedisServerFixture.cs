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
    private readonly string? _dataDirectory;
    private string? _executable;
    private Process? _process;

    /// <summary>In memory only; xUnit builds class fixtures through a constructor without arguments.</summary>
    public RedisServerFixture()
        : this(durable: false)
    {
    }

    /// <summary>In memory only, or durable: an append-only file fsynced on every write, so a kill -9 loses no acknowledged write.</summary>
    internal RedisServerFixture(bool durable)
    {
        _dataDirectory = durable ? Directory.CreateTempSubdirectory("chat-redis-").FullName : null;
    }

    public int Port { get; private set; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>A connection for tests that use the stores directly.</summary>
    public RedisConnection Connection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var executable = _executable = FindOnPath("redis-server")
            ?? throw new InvalidOperationException("redis-server is not installed (apt-get install -y redis-server); the Redis tests need it and never skip");

        // The port is free when chosen but another process may take it before Redis binds: try again then.
        for (var attempt = 1; ; attempt++)
        {
            Port = Ports.Free();
            var (process, ready) = Start(executable, Port, _dataDirectory);
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

    /// <summary>kill -9 of the server: its clients see their connection drop, nothing is flushed.</summary>
    public async Task KillAsync()
    {
        var process = _process ?? throw new InvalidOperationException("redis-server is not running");
        _process = null;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync().WaitAsync(TestIds.Timeout);
        process.Dispose();
    }

    /// <summary>Starts the server again on the same port (and, when durable, from the same data); completes once it accepts connections.</summary>
    public async Task RestartAsync()
    {
        if (_process is not null || _executable is null)
        {
            throw new InvalidOperationException("redis-server is still running or never started");
        }

        var (process, ready) = Start(_executable, Port, _dataDirectory);
        _process = process;
        if (!await ready.WaitAsync(TestIds.Timeout))
        {
            throw new InvalidOperationException($"redis-server did not start again on port {Port}");
        }
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
        if (_dataDirectory is not null)
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    /// <summary>Starts redis-server; the task completes with true once it logs that it accepts connections, false if it exits first.</summary>
    private static (Process Process, Task<bool> Ready) Start(string executable, int port, string? dataDirectory)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] persistence = dataDirectory is null
            ? ["--appendonly", "no"]
            : ["--appendonly", "yes", "--appendfsync", "always", "--dir", dataDirectory];
        foreach (var argument in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "" }.Concat(persistence))
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
