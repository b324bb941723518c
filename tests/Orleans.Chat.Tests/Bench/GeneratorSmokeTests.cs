using System.Diagnostics;
using System.Text.Json;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Bench;

/// <summary>
/// Keeps the load generator honest: a few seconds of room fan-out against a real node must deliver
/// every message once, in order, with the latency and CPU figures filled in. Correctness, not speed.
/// </summary>
public sealed class GeneratorSmokeTests
{
    [Fact]
    public async Task Fanout_against_a_real_node_delivers_every_message_once_and_in_order()
    {
        await using var node = await EdgeProcess.StartAsync();
        var output = Path.Combine(Path.GetTempPath(), TestIds.Room("bench-smoke"));
        try
        {
            await RunGeneratorAsync(
                "--Url", node.BaseUrl, "--Clients", "40", "--RoomSize", "10", "--Workers", "2",
                "--Rates", "2", "--StepSeconds", "4", "--SettleSeconds", "1", "--WarmupSeconds", "1", "--Watch:server", node.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--Out", output, "--Name", "smoke");

            using var result = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "smoke.json")));
            var root = result.RootElement;
            Assert.Equal(40, root.GetProperty("connectionsHeld").GetInt32());
            Assert.Equal(0, root.GetProperty("connectionsFailed").GetInt64());
            // Besides the one rate step asked for, the run records the connection phase and an idle window.
            var step = Assert.Single(root.GetProperty("steps").EnumerateArray(), s => s.GetProperty("label").GetString() == "rate 2/s");
            var counts = step.GetProperty("counts");
            Assert.True(Count(counts, "Delivered") > 0, "no message was delivered");
            Assert.Equal(0, Count(counts, "OutOfOrder"));
            Assert.Equal(0, Count(counts, "Duplicates"));
            Assert.Equal(0, Count(counts, "SenderGaps"));
            Assert.Equal(0, Count(counts, "SeqGaps"));
            Assert.True(step.GetProperty("deliver").GetProperty("p99").GetDouble() > 0, "no delivery latency was measured");
            Assert.True(step.GetProperty("serverMicrosPerDelivery").GetDouble() > 0, "server CPU per delivery was not measured");
            Assert.True(File.Exists(Path.Combine(output, "smoke.md")), "no Markdown table was written");
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    private static long Count(JsonElement counts, string name) => counts.TryGetProperty(name, out var value) ? value.GetInt64() : 0;

    /// <summary>Runs the generator to its end; a non-zero exit fails the test with the generator's output.</summary>
    private static async Task RunGeneratorAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Orleans.Chat.Bench.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("generator did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"generator still running after 60 s:\n{await stdout}\n{await stderr}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"generator failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        }
    }
}
