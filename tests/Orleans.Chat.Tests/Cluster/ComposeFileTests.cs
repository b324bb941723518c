using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using OrleansChat.Edge;
using OrleansChat.Silo.Options;
using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Cluster;

/// <summary>
/// Docker cannot run here, so the compose stack is checked offline: the schema (docker-compose
/// config), its services and limits, and that every setting it and the local launcher pass names a
/// real option, so neither can drift from the options classes or from each other.
/// </summary>
public sealed partial class ComposeFileTests
{
    private static readonly string Compose = File.ReadAllText(Path.Combine(RepoPaths.Root, "docker-compose.yml"));
    private static readonly string Launcher = File.ReadAllText(Path.Combine(RepoPaths.Root, "scripts", "cluster.sh"));

    [Fact]
    public async Task Compose_file_is_valid_for_docker_compose()
    {
        var info = new ProcessStartInfo("docker-compose", ["-f", "docker-compose.yml", "config", "-q"])
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("docker-compose is not installed (apt-get install -y docker-compose)");
        var errors = await process.StandardError.ReadToEndAsync().WaitAsync(TestIds.Timeout);
        await process.WaitForExitAsync().WaitAsync(TestIds.Timeout);

        Assert.True(process.ExitCode == 0, errors);
    }

    [Fact]
    public void Stack_has_the_services_limits_healthchecks_and_ports_the_issue_asks_for()
    {
        foreach (var service in new[] { "chat", "nginx", "redis", "mongo", "kafka" })
        {
            Assert.Matches($@"(?m)^  {service}:\s*$", Compose);
        }

        Assert.Contains("replicas: 3", Compose);
        Assert.Contains("limits: { memory: 512M, cpus: \"0.5\" }", Compose);
        Assert.Contains("KAFKA_PROCESS_ROLES: broker,controller", Compose);
        Assert.Equal(5, HealthcheckCount().Count);
        Assert.DoesNotContain("condition: service_started", Compose);

        // Only nginx publishes a port; the dashboard's internal port is exposed to the network only.
        Assert.Equal(["\"3001:3001\""], PublishedPorts().Select(m => m.Groups[1].Value.Trim()).ToList());
        Assert.Contains("Chat__Edge__InternalPort: \"8081\"", Compose);
        Assert.Contains("\"8081\"", Compose[Compose.IndexOf("expose:", StringComparison.Ordinal)..]);
    }

    [Fact]
    public void Every_setting_in_compose_and_the_launcher_names_a_real_option()
    {
        var composeKeys = ComposeEnv().Select(m => m.Groups[1].Value.Replace("__", ":", StringComparison.Ordinal)).ToList();
        var launcherKeys = LauncherArgs().Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(composeKeys);
        Assert.NotEmpty(launcherKeys);

        foreach (var key in composeKeys.Concat(launcherKeys))
        {
            Assert.True(IsOption(key), $"{key} is not a property of any options class");
        }

        // The compose nodes get everything the launcher gives its nodes except the per-run cluster id.
        Assert.Empty(launcherKeys.Where(k => k != "Chat:Cluster:ClusterId").Except(composeKeys));
    }

    [Fact]
    public void Compose_nginx_config_is_the_template_rendered_for_the_compose_network()
    {
        var expected = NginxProcess.Render("/tmp/nginx.pid", "/dev/stderr", "/dev/stdout", "/tmp", 3001, ["        server chat:8080 max_fails=3 fail_timeout=1s;"], workers: 4);

        Assert.Equal(expected, File.ReadAllText(Path.Combine(RepoPaths.Root, "nginx", "nginx.compose.conf")));
    }

    private static bool IsOption(string key)
    {
        var cut = key.LastIndexOf(':');
        var (section, property) = (key[..cut], key[(cut + 1)..]);
        var optionTypes = new[] { typeof(ChatClusterOptions).Assembly, typeof(EdgeOptions).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string == section);
        return optionTypes.Any(t => t.GetProperty(property, BindingFlags.Public | BindingFlags.Instance)?.CanWrite == true);
    }

    private static MatchCollection ComposeEnv() => ComposeEnvRegex().Matches(Compose);

    private static MatchCollection LauncherArgs() => LauncherArgRegex().Matches(Launcher);

    private static MatchCollection PublishedPorts() => PortsRegex().Matches(Compose);

    private static MatchCollection HealthcheckCount() => HealthcheckRegex().Matches(Compose);

    [GeneratedRegex(@"(?m)^\s+(Chat__[A-Za-z_]+):")]
    private static partial Regex ComposeEnvRegex();

    [GeneratedRegex(@"(?m)^\s+""--(Chat:[A-Za-z:]+)=")]
    private static partial Regex LauncherArgRegex();

    [GeneratedRegex(@"(?m)^\s+ports:\s*\[([^\]]*)\]")]
    private static partial Regex PortsRegex();

    [GeneratedRegex(@"(?m)^\s+healthcheck:\s*$")]
    private static partial Regex HealthcheckRegex();
}
