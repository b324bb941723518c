using System.Diagnostics;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Deploy;

/// <summary>The operators' shell scripts pass shellcheck (Debian package shellcheck; scripts/test.sh installs it).</summary>
public sealed class ShellScriptTests
{
    [Fact]
    public async Task Docker_start_and_every_script_in_scripts_pass_shellcheck()
    {
        // What operators run: the compose launcher and scripts/ (bench/ drives benchmarks only).
        var scripts = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "scripts"), "*.sh")
            .Append(Path.Combine(RepoPaths.Root, "docker-start.sh"))
            .ToList();
        Assert.Contains(scripts, p => p.EndsWith("docker-start.sh", StringComparison.Ordinal));
        Assert.Contains(scripts, p => p.EndsWith("cluster.sh", StringComparison.Ordinal));

        var info = new ProcessStartInfo("shellcheck") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var script in scripts)
        {
            info.ArgumentList.Add(Path.GetRelativePath(RepoPaths.Root, script));
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("shellcheck is not installed (apt-get install -y shellcheck)");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(DeployTimeouts.Tool);

        Assert.True(process.ExitCode == 0, await output + await errors);
    }
}
