using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansChat.Tests.Cluster;

/// <summary>The local launcher itself (scripts/cluster.sh): start, status, health, scale up and down under traffic, stop.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LauncherScaleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Scale_to_4_then_to_2_under_traffic_loses_no_acknowledged_message()
    {
        var runDir = Path.Combine(Path.GetTempPath(), "orleans-chat-launcher-" + Guid.NewGuid().ToString("N")[..8]);
        var portBase = FreePortRange(100);
        var env = new Dictionary<string, string>
        {
            ["CHAT_PORT_BASE"] = portBase.ToString(CultureInfo.InvariantCulture),
            ["CHAT_RUN_DIR"] = runDir,
            ["CHAT_NO_BUILD"] = "1",
            ["CHAT_EDGE_DLL"] = RepoPaths.EdgeDll,
            ["CHAT_NGINX_WORKERS"] = "1",
            ["CHAT_NODE_ARGS"] = "--Chat:Edge:DrainTimeout=00:00:02",
        };
        var url = $"http://127.0.0.1:{portBase}";
        try
        {
            await RunAsync(env, "start", "3");
            var clock = Stopwatch.StartNew();
            var addresses = await BoundSockets.AddressPerNodeAsync(url, 3, seed: 60);
            var traffic = await ChatTraffic.StartUsersAsync(addresses.Values.Select(a => ChattingUser.ConnectAsync(url, TestIds.User("sc"), a, clock)), roomCount: 3);
            using var stop = new CancellationTokenSource();
            var running = traffic.RunAsync(stop.Token);

            await RunAsync(env, "scale", "4");
            Assert.Equal(4, CountActive(await RunAsync(env, "status")));
            var afterUp = traffic.Acknowledged;
            await Poll.UntilAsync(() => traffic.Acknowledged >= afterUp + 15, TestIds.Timeout, () => "traffic stalled after scale 4");

            await RunAsync(env, "scale", "2");
            var afterDown = traffic.Acknowledged;
            await Poll.UntilAsync(() => traffic.Acknowledged >= afterDown + 15, TestIds.Timeout, () => "traffic stalled after scale 2");
            var status = await RunAsync(env, "status");
            Assert.Equal(2, CountActive(status));
            await RunAsync(env, "health");

            await stop.CancelAsync();
            await running.WaitAsync(TestIds.Timeout);
            await traffic.VerifyAsync(() => status);
            output.WriteLine(status);
        }
        finally
        {
            await RunAsync(env, "stop");
            Directory.Delete(runDir, recursive: true);
        }
    }

    /// <summary>Nodes whose own silo reports itself Active in the status table (NODE STATE CONNECTIONS RESTARTS ID SILO).</summary>
    private static int CountActive(string status) =>
        status.Split('\n').Count(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var node, "Active", _, _, _, _] && node.StartsWith("chat-", StringComparison.Ordinal));

    private async Task<string> RunAsync(IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "cluster.sh"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in env)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        var text = await stdout + await stderr;
        output.WriteLine($"$ cluster.sh {string.Join(' ', args)}\n{text}");
        Assert.True(process.ExitCode == 0, $"cluster.sh {string.Join(' ', args)} exited {process.ExitCode}:\n{text}");
        return text;
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
