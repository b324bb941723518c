using System.Diagnostics;
using System.Text.RegularExpressions;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Deploy;

/// <summary>
/// What docker-start.sh does before any container runs (no engine here): the secrets it writes on
/// first use and keeps afterwards, the nginx parts it renders (trusted proxies, TLS) checked by nginx
/// itself, and the compose file accepted with them.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class DockerStartTests : IDisposable
{
    private readonly string _copy = Directory.CreateTempSubdirectory("chat-docker-start-").FullName;

    public DockerStartTests()
    {
        foreach (var file in new[] { "docker-start.sh", "docker-compose.yml", "Dockerfile", "nginx/nginx.compose.conf" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_copy, file))!);
            File.Copy(Path.Combine(RepoPaths.Root, file), Path.Combine(_copy, file));
        }
    }

    [Fact]
    public async Task First_use_writes_private_random_secrets_once_and_keeps_them()
    {
        var first = await RunAsync([], "config");
        var env = await File.ReadAllTextAsync(Path.Combine(_copy, ".env"));
        var second = await RunAsync([], "config");

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.True(second.ExitCode == 0, second.Output);
        foreach (var name in new[] { "CHAT_SIGNING_KEY", "REDIS_PASSWORD", "MONGO_PASSWORD", "MONGO_REPLICA_KEY", "KAFKA_PASSWORD", "GRAFANA_ADMIN_PASSWORD" })
        {
            Assert.Matches($"(?m)^{name}=[0-9a-f]{{64}}$", env);
        }

        Assert.Equal(env, await File.ReadAllTextAsync(Path.Combine(_copy, ".env")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_copy, ".env")));
        Assert.Contains("valid", second.Output);
        Assert.DoesNotContain("wrote", second.Output);
    }

    [Fact]
    public async Task Trusted_proxies_and_a_self_signed_certificate_render_nginx_parts_nginx_accepts()
    {
        var tls = await RunAsync([], "tls", "chat.example");
        var config = await RunAsync(new() { ["CHAT_TRUSTED_PROXIES"] = "10.0.0.0/8,192.168.7.1" }, "config");
        Assert.True(tls.ExitCode == 0, tls.Output);
        Assert.True(config.ExitCode == 0, config.Output);

        var local = Path.Combine(_copy, "nginx", "local");
        var realip = await File.ReadAllTextAsync(Path.Combine(local, "http-realip.conf"));
        Assert.Contains("set_real_ip_from 10.0.0.0/8;", realip);
        Assert.Contains("set_real_ip_from 192.168.7.1;", realip);

        // nginx itself reads both parts where the compose config includes them (container paths mapped here).
        var prefix = Directory.CreateDirectory(Path.Combine(_copy, "nginx-check")).FullName;
        Directory.CreateDirectory(Path.Combine(prefix, "logs"));
        var serverTls = (await File.ReadAllTextAsync(Path.Combine(local, "server-tls.conf"))).Replace("/etc/nginx/tls", Path.Combine(_copy, "nginx", "tls"), StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(prefix, "server-tls.conf"), serverTls.Replace("3443", Ports.Free().ToString(), StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(prefix, "nginx.conf"), $$"""
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/logs/error.log;
            events {}
            http {
                include {{local}}/http-*.conf;
                server { include {{prefix}}/server-tls.conf; }
            }
            """);
        var check = await RunProcessAsync("nginx", [], "-t", "-p", prefix, "-c", Path.Combine(prefix, "nginx.conf"));
        Assert.True(check.ExitCode == 0, check.Output);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("scale", "many")]
    public async Task Bad_verbs_and_counts_are_refused_with_usage(params string[] args)
    {
        var result = await RunAsync([], args);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Matches(UsageLine(), result.Output);
    }

    private Task<(int ExitCode, string Output)> RunAsync(Dictionary<string, string> env, params string[] args) =>
        RunProcessAsync("bash", env, [Path.Combine(_copy, "docker-start.sh"), .. args]);

    private static async Task<(int ExitCode, string Output)> RunProcessAsync(string file, Dictionary<string, string> env, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("CHAT_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        foreach (var (key, value) in env)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(DeployTimeouts.Tool);
        return (process.ExitCode, await output + await errors);
    }

    [GeneratedRegex("usage|docker-start.sh (build|scale)")]
    private static partial Regex UsageLine();

    public void Dispose() => Directory.Delete(_copy, recursive: true);
}
