using System.Diagnostics;
using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Deploy;

/// <summary>
/// scripts/supervise.sh, which keeps each local node running: a crash is restarted with backoff and
/// counted, a stop is not taken for a crash, and a node that keeps dying is given up on.
/// </summary>
public sealed class SupervisorTests : IDisposable
{
    private string _dir = Directory.CreateTempSubdirectory("chat-supervise-").FullName;

    [Fact]
    public async Task A_killed_process_is_started_again_and_counted_and_a_stop_ends_supervision()
    {
        using var supervisor = Start(new() { ["CHAT_RESTART_BACKOFF"] = "0" }, "sleep", "300");
        var first = await PidAsync(_ => true);

        Process.GetProcessById(first).Kill();
        var second = await PidAsync(pid => pid != first);
        await Poll.UntilAsync(() => Read("state") == "running", TestIds.Timeout, () => Read("state"));

        Assert.Equal("1", Read("restarts"));
        Assert.Contains($"node {first} exited with 137; restart 1", Read("supervisor.log"));

        // What cluster.sh stop does: say so first, then TERM the node.
        File.WriteAllText(Path.Combine(_dir, "stop"), "");
        Process.GetProcessById(second).Kill();
        await supervisor.WaitForExitAsync().WaitAsync(TestIds.Timeout);
        Assert.Equal(0, supervisor.ExitCode);
        Assert.Equal("stopped", Read("state"));
        Assert.Equal("1", Read("restarts"));
    }

    [Fact]
    public async Task A_stop_is_honoured_after_the_node_directory_was_renamed_as_scale_down_does()
    {
        using var supervisor = Start(new() { ["CHAT_RESTART_BACKOFF"] = "0" }, "sleep", "300");
        var node = await PidAsync(_ => true);

        var moved = _dir + "-leaving";
        Directory.Move(_dir, moved);
        _dir = moved;
        File.WriteAllText(Path.Combine(_dir, "stop"), "");
        Process.GetProcessById(node).Kill();
        await supervisor.WaitForExitAsync().WaitAsync(TestIds.Timeout);

        Assert.Equal(0, supervisor.ExitCode);
        Assert.Equal("stopped", Read("state"));
        Assert.Equal("0", Read("restarts"));
    }

    [Fact]
    public async Task A_process_that_keeps_dying_is_restarted_a_bounded_number_of_times_then_given_up()
    {
        using var supervisor = Start(new() { ["CHAT_RESTART_BACKOFF"] = "0", ["CHAT_MAX_RESTARTS"] = "3" }, "bash", "-c", "exit 3");

        await supervisor.WaitForExitAsync().WaitAsync(TestIds.Timeout);

        Assert.Equal(1, supervisor.ExitCode);
        Assert.Equal("failed", Read("state"));
        Assert.Equal("3", Read("restarts"));
        Assert.Contains("3 restarts within 300s already, giving up", Read("supervisor.log"));
        Assert.False(File.Exists(Path.Combine(_dir, "pid")), "a given-up node still has a pid file");
    }

    [Fact]
    public async Task Backoff_doubles_with_each_recent_restart()
    {
        using var supervisor = Start(new() { ["CHAT_RESTART_BACKOFF"] = "1", ["CHAT_MAX_RESTARTS"] = "2" }, "bash", "-c", "exit 4");

        await supervisor.WaitForExitAsync().WaitAsync(TestIds.Timeout);

        var log = Read("supervisor.log");
        Assert.Contains("restart 1 in 1s", log);
        Assert.Contains("restart 2 in 2s", log);
    }

    private Process Start(Dictionary<string, string> env, params string[] command)
    {
        var info = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true };
        info.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "supervise.sh"));
        info.ArgumentList.Add(_dir);
        foreach (var part in command)
        {
            info.ArgumentList.Add(part);
        }

        foreach (var (key, value) in env)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    private async Task<int> PidAsync(Func<int, bool> accept)
    {
        var pid = 0;
        await Poll.UntilAsync(() => int.TryParse(Read("pid"), out pid) && accept(pid), TestIds.Timeout, () => $"pid file: '{Read("pid")}'");
        return pid;
    }

    private string Read(string file)
    {
        var path = Path.Combine(_dir, file);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : "";
    }

    public void Dispose()
    {
        if (int.TryParse(Read("pid"), out var pid))
        {
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        Directory.Delete(_dir, recursive: true);
    }
}
