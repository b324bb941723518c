using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using OrleansChat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansChat.Tests.Cluster.Infrastructure;

/// <summary>scripts/cluster.sh on a private port range and run directory, with the tests' build of the node.</summary>
public sealed class LocalLauncher(ITestOutputHelper output, IReadOnlyDictionary<string, string>? extra = null)
{
    public int PortBase { get; } = FreePortRange(100);

    public string RunDir { get; } = Path.Combine(Path.GetTempPath(), "orleans-chat-launcher-" + Guid.NewGuid().ToString("N")[..8]);

    public string Url => $"http://127.0.0.1:{PortBase}";

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>(extra ?? new Dictionary<string, string>())
    {
        ["CHAT_PORT_BASE"] = PortBase.ToString(CultureInfo.InvariantCulture),
        ["CHAT_RUN_DIR"] = RunDir,
        ["CHAT_NO_BUILD"] = "1",
        ["CHAT_EDGE_DLL"] = RepoPaths.EdgeDll,
        ["CHAT_NGINX_WORKERS"] = "1",
    };

    /// <summary>Runs a verb and asserts it succeeded; returns what it printed.</summary>
    public async Task<string> RunAsync(params string[] args)
    {
        var (code, text) = await TryRunAsync(args);
        Assert.True(code == 0, $"cluster.sh {string.Join(' ', args)} exited {code}:\n{text}");
        return text;
    }

    public async Task<(int ExitCode, string Output)> TryRunAsync(params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "cluster.sh"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in Environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        var text = await stdout + await stderr;
        output.WriteLine($"$ cluster.sh {string.Join(' ', args)}\n{text}");
        return (process.ExitCode, text);
    }

    /// <summary>Stops everything it started and removes the run directory.</summary>
    public async Task StopAsync()
    {
        await RunAsync("stop");
        Directory.Delete(RunDir, recursive: true);
    }

    /// <summary>A base port whose next <paramref name="count"/> ports are all free right now (each bound and released).</summary>
    private static int FreePortRange(int count)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var start = Random.Shared.Next(20_000, 32_000);
            if (Enumerable.Range(start, count).All(IsFree))
            {
                return start;
            }
        }

        throw new InvalidOperationException($"no {count} consecutive free ports found");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
