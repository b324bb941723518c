using System.Diagnostics;
using System.Text;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Cluster.Infrastructure;

/// <summary>
/// A private nginx (its own prefix under the temp folder) running the product's template, rendered
/// for the test's free ports exactly as <c>scripts/cluster.sh</c> renders it.
/// </summary>
public sealed class NginxProcess : IAsyncDisposable
{
    private readonly string _prefix;
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NginxProcess(string prefix, Process process, int port)
    {
        _prefix = prefix;
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    private string ConfigPath => Path.Combine(_prefix, "conf", "nginx.conf");

    /// <summary>What nginx has logged so far (the file is still being written).</summary>
    public string ReadAccessLog() => ReadLog("access.log");

    /// <summary>What nginx has logged as errors so far ("no live upstreams" among them).</summary>
    public string ErrorLog() => ReadLog("error.log");

    /// <summary>The template with the launcher's substitutions; one upstream line per node HTTP port.</summary>
    public static string Render(string prefix, int port, IEnumerable<int> upstreamPorts) =>
        Render(Path.Combine(prefix, "logs", "nginx.pid"), Path.Combine(prefix, "logs", "error.log"), Path.Combine(prefix, "logs", "access.log"),
            Path.Combine(prefix, "tmp"), port, upstreamPorts.Select(p => $"        server 127.0.0.1:{p} max_fails=0;"), workers: 1);

    public static string Render(string pidFile, string errorLog, string accessLog, string tempDir, int port, IEnumerable<string> servers, int workers) =>
        File.ReadAllText(Path.Combine(RepoPaths.Root, "nginx", "nginx.conf.template"))
            .Replace("{{WORKER_PROCESSES}}", workers.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{PID_FILE}}", pidFile, StringComparison.Ordinal)
            .Replace("{{ERROR_LOG}}", errorLog, StringComparison.Ordinal)
            .Replace("{{ACCESS_LOG}}", accessLog, StringComparison.Ordinal)
            .Replace("{{TEMP_DIR}}", tempDir, StringComparison.Ordinal)
            .Replace("{{LISTEN}}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{UPSTREAM_SERVERS}}", string.Join('\n', servers), StringComparison.Ordinal);

    public static async Task<NginxProcess> StartAsync(IReadOnlyList<int> upstreamPorts)
    {
        var prefix = Path.Combine(Path.GetTempPath(), "orleans-chat-nginx-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(prefix, "conf"));
        Directory.CreateDirectory(Path.Combine(prefix, "logs"));
        Directory.CreateDirectory(Path.Combine(prefix, "tmp"));
        var port = Ports.Free();
        await File.WriteAllTextAsync(Path.Combine(prefix, "conf", "nginx.conf"), Render(prefix, port, upstreamPorts));

        var info = new ProcessStartInfo("nginx") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-p", prefix, "-c", Path.Combine(prefix, "conf", "nginx.conf"), "-g", "daemon off;" })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("nginx did not start (apt-get install -y nginx)");
        var nginx = new NginxProcess(prefix, process, port);
        process.ErrorDataReceived += (_, e) => nginx.Append(e.Data);
        process.OutputDataReceived += (_, e) => nginx.Append(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        await Poll.UntilAsync(async () => await Http.IsOkAsync($"{nginx.BaseUrl}/nginx-health"), TestIds.Timeout, () => $"nginx not answering:\n{nginx.Output}");
        return nginx;
    }

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

    /// <summary>Rewrites the upstream list and reloads, as <c>cluster.sh scale</c> does.</summary>
    public async Task ReloadAsync(IReadOnlyList<int> upstreamPorts)
    {
        await File.WriteAllTextAsync(ConfigPath, Render(_prefix, Port, upstreamPorts));
        using var reload = Process.Start("nginx", ["-p", _prefix, "-c", ConfigPath, "-s", "reload"]);
        await reload.WaitForExitAsync().WaitAsync(TestIds.Timeout);
        Assert.Equal(0, reload.ExitCode);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TestIds.Timeout);
        }

        _process.Dispose();
        Directory.Delete(_prefix, recursive: true);
    }

    private string ReadLog(string name)
    {
        using var stream = new FileStream(Path.Combine(_prefix, "logs", name), FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
