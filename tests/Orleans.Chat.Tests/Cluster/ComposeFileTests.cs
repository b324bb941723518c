using System.Reflection;
using System.Text.RegularExpressions;
using OrleansChat.Edge;
using OrleansChat.Silo.Options;
using OrleansChat.Tests.Deploy;
using OrleansChat.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace OrleansChat.Tests.Cluster;

/// <summary>
/// Docker cannot run here, so the compose stack is checked offline: docker-compose's own reading of
/// it (schema and interpolation), then the parsed file as an operator relies on it: secrets required,
/// durable stores, restart policies, log limits, one published service, and every setting naming a
/// real option, so neither compose nor the local launcher can drift from the options classes.
/// </summary>
public sealed partial class ComposeFileTests
{
    private static readonly string Launcher = File.ReadAllText(Path.Combine(RepoPaths.Root, "scripts", "cluster.sh"));

    private static readonly YamlMappingNode Services = (YamlMappingNode)ComposeYaml.Load(File.ReadAllText(Path.Combine(RepoPaths.Root, "docker-compose.yml")))["services"];

    /// <summary>The stack's services; store-tests is a test profile, not part of the stack.</summary>
    private static IEnumerable<(string Name, YamlMappingNode Service)> Stack =>
        Services.Children.Select(c => (((YamlScalarNode)c.Key).Value!, (YamlMappingNode)c.Value)).Where(s => !s.Item2.Children.ContainsKey("profiles"));

    [Fact]
    public async Task Docker_compose_accepts_the_file_and_turns_dev_tokens_on_only_with_the_demo_switch()
    {
        var safe = await ComposeYaml.ConfigAsync(ComposeYaml.TestSecrets());
        var demo = await ComposeYaml.ConfigAsync(ComposeYaml.TestSecrets() + "CHAT_DEMO_SIGN_IN=true\n");

        Assert.True(safe.ExitCode == 0, safe.Errors);
        Assert.Equal("false", ChatEnvironment(safe.Output)["Chat__Auth__DevTokens"]);
        Assert.Equal("true", ChatEnvironment(demo.Output)["Chat__Auth__DevTokens"]);
    }

    [Theory]
    [InlineData("CHAT_SIGNING_KEY")]
    [InlineData("REDIS_PASSWORD")]
    [InlineData("MONGO_PASSWORD")]
    [InlineData("MONGO_REPLICA_KEY")]
    [InlineData("KAFKA_PASSWORD")]
    [InlineData("GRAFANA_ADMIN_PASSWORD")]
    public async Task The_stack_refuses_to_start_without_each_secret(string secret)
    {
        var env = string.Join('\n', ComposeYaml.TestSecrets().Split('\n').Where(l => !l.StartsWith(secret + "=", StringComparison.Ordinal)));

        var result = await ComposeYaml.ConfigAsync(env);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"set {secret} in .env", result.Errors);
    }

    [Fact]
    public void Every_service_restarts_limits_its_logs_and_has_a_healthcheck_and_only_nginx_publishes_ports_beyond_loopback()
    {
        Assert.Equal(["chat", "nginx", "redis", "mongo", "kafka", "prometheus", "grafana", "orleans-dashboard"], Stack.Select(s => s.Name));
        foreach (var (name, service) in Stack)
        {
            Assert.True(ComposeYaml.Scalar(service, "restart") is "unless-stopped" or "always", $"{name} has no restart policy");
            Assert.Equal("10m", ComposeYaml.Scalar(service, "logging", "options", "max-size"));
            Assert.True(service.Children.ContainsKey("healthcheck"), $"{name} has no healthcheck");
            // The operators' services (Prometheus, Grafana, the Orleans Dashboard) publish on the host's loopback only.
            var ports = service.Children.ContainsKey("ports") ? ComposeYaml.Sequence(service, "ports") : [];
            Assert.True(name == "nginx" || ports.All(p => p.StartsWith("127.0.0.1:", StringComparison.Ordinal)), $"{name} publishes a port beyond loopback");
            foreach (var dependency in service.Children.TryGetValue("depends_on", out var deps) ? ((YamlMappingNode)deps).Children.Values : [])
            {
                Assert.Equal("service_healthy", ComposeYaml.Scalar((YamlMappingNode)dependency, "condition"));
            }
        }

        var chat = Service("chat");
        Assert.Equal("true", ComposeYaml.Scalar(chat, "init"));
        Assert.Equal("3", ComposeYaml.Scalar(chat, "deploy", "replicas"));
        Assert.Equal("512M", ComposeYaml.Scalar(chat, "deploy", "resources", "limits", "memory"));
        Assert.Contains("8081", ComposeYaml.Sequence(chat, "expose"));
    }

    [Fact]
    public void Stores_keep_their_data_on_volumes_and_require_credentials()
    {
        var env = ChatEnvironment(Services);
        var kafka = Service("kafka");
        var kafkaEnv = (YamlMappingNode)kafka["environment"];
        Assert.Contains($"kafka-data:{ComposeYaml.Scalar(kafkaEnv, "KAFKA_LOG_DIRS")}", ComposeYaml.Sequence(kafka, "volumes"));
        Assert.Contains("SASL_PLAINTEXT://:9092", ComposeYaml.Scalar(kafkaEnv, "KAFKA_LISTENERS"));
        Assert.DoesNotContain("PLAINTEXT://:", ComposeYaml.Scalar(kafkaEnv, "KAFKA_LISTENERS")!.Replace("SASL_PLAINTEXT://:", "", StringComparison.Ordinal));
        Assert.Equal("SaslPlaintext", env["Chat__Kafka__SecurityProtocol"]);

        var mongo = Service("mongo");
        Assert.Contains("--replSet rs0 --keyFile", string.Join(' ', ComposeYaml.Sequence(mongo, "command")));
        Assert.Contains("rs.initiate", string.Join(' ', ComposeYaml.Sequence(mongo, "healthcheck", "test")));
        Assert.Contains("mongo-data:/data/db", ComposeYaml.Sequence(mongo, "volumes"));
        Assert.Matches(@"^mongodb://chat:\$\{MONGO_PASSWORD:\?[^}]+\}@mongo:27017/\?replicaSet=rs0&authSource=admin$", env["Chat__Mongo__ConnectionString"]);

        var redis = Service("redis");
        Assert.Contains("--appendonly yes", string.Join(' ', ComposeYaml.Sequence(redis, "command")));
        Assert.Contains("--requirepass", string.Join(' ', ComposeYaml.Sequence(redis, "command")));
        Assert.Contains("redis-data:/data", ComposeYaml.Sequence(redis, "volumes"));

        // Secrets have no fallback value in the file: a missing .env stops the stack instead of using a published one.
        foreach (var key in new[] { "Chat__Auth__SigningKey", "Chat__Kafka__SaslPassword", "Chat__Redis__ConnectionString" })
        {
            Assert.Matches(@"\$\{[A-Z_]+:\?", env[key]);
        }
    }

    [Fact]
    public void Every_setting_in_compose_and_the_launcher_names_a_real_option()
    {
        var composeKeys = ChatEnvironment(Services).Keys.Where(k => k.StartsWith("Chat__", StringComparison.Ordinal))
            .Select(k => k.Replace("__", ":", StringComparison.Ordinal)).ToList();
        var launcherKeys = LauncherArgRegex().Matches(Launcher).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(composeKeys);
        Assert.NotEmpty(launcherKeys);

        foreach (var key in composeKeys.Concat(launcherKeys))
        {
            Assert.True(IsOption(key), $"{key} is not a property of any options class");
        }

        // The compose nodes get everything the launcher gives its nodes except the per-run cluster id.
        Assert.Empty(launcherKeys.Where(k => k != "Chat:Cluster:ClusterId").Except(composeKeys));
    }

    [Theory]
    [InlineData("DOTNET_gcServer")]
    [InlineData("DOTNET_TieredPGO")]
    [InlineData("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit")]
    public void Compose_and_the_launcher_give_the_nodes_the_same_runtime_settings(string variable)
    {
        // Deployment settings, not build settings: both ways of running the cluster must set them.
        Assert.Equal($"${{{variable}:-0}}", ChatEnvironment(Services)[variable]);
        Assert.Contains($"export {variable}=\"${{{variable}:-0}}\"", Launcher, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_nginx_config_is_the_template_rendered_for_the_compose_network()
    {
        var expected = ComposeNginxConfig.Render();
        var actual = File.ReadAllText(Path.Combine(RepoPaths.Root, "nginx", "nginx.compose.conf"));
        if (expected != actual)
        {
            var path = Path.Combine(Path.GetTempPath(), "nginx.compose.conf.expected");
            File.WriteAllText(path, expected);
            Assert.Fail($"nginx/nginx.compose.conf differs from the template rendered for compose; the rendering is in {path} (copy it over if the template changed on purpose)");
        }
    }

    private YamlMappingNode Service(string name) => (YamlMappingNode)Services[name];

    private static Dictionary<string, string> ChatEnvironment(string renderedConfig) =>
        ChatEnvironment((YamlMappingNode)ComposeYaml.Load(renderedConfig)["services"]);

    private static Dictionary<string, string> ChatEnvironment(YamlMappingNode services) =>
        ((YamlMappingNode)((YamlMappingNode)services["chat"])["environment"]).Children
            .ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => ((YamlScalarNode)c.Value).Value ?? "");

    private static bool IsOption(string key)
    {
        var cut = key.LastIndexOf(':');
        var (section, property) = (key[..cut], key[(cut + 1)..]);
        var optionTypes = new[] { typeof(ChatClusterOptions).Assembly, typeof(EdgeOptions).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string == section);
        return optionTypes.Any(t => t.GetProperty(property, BindingFlags.Public | BindingFlags.Instance)?.CanWrite == true);
    }

    [GeneratedRegex(@"(?m)^\s+""--(Chat:[A-Za-z:]+)=")]
    private static partial Regex LauncherArgRegex();
}
