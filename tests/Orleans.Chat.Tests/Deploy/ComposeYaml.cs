using System.Diagnostics;
using OrleansChat.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace OrleansChat.Tests.Deploy;

/// <summary>Reading docker-compose.yml as YAML, and asking docker-compose itself (<c>config</c>) how it reads it.</summary>
public static class ComposeYaml
{
    public static YamlMappingNode Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static string? Scalar(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            current = next;
        }

        return (current as YamlScalarNode)?.Value;
    }

    public static IReadOnlyList<string> Sequence(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path)
        {
            current = ((YamlMappingNode)current)[key];
        }

        return ((YamlSequenceNode)current).Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList();
    }

    /// <summary>What docker-start.sh writes into .env on first start (values made up here).</summary>
    public static string TestSecrets() =>
        $"CHAT_SIGNING_KEY={Guid.NewGuid():N}{Guid.NewGuid():N}\nREDIS_PASSWORD={Guid.NewGuid():N}\nMONGO_PASSWORD={Guid.NewGuid():N}\n"
        + $"MONGO_REPLICA_KEY={Guid.NewGuid():N}\nKAFKA_PASSWORD={Guid.NewGuid():N}\nGRAFANA_ADMIN_PASSWORD={Guid.NewGuid():N}\n";

    /// <summary><c>docker-compose --env-file F config</c> from the repository root, with no other environment leaking in.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> ConfigAsync(string envFile)
    {
        var path = Path.Combine(Path.GetTempPath(), $"chat-compose-{Guid.NewGuid():N}.env");
        await File.WriteAllTextAsync(path, envFile);
        try
        {
            var info = new ProcessStartInfo("docker-compose", ["--env-file", path, "-f", "docker-compose.yml", "config"])
            {
                WorkingDirectory = RepoPaths.Root,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("CHAT_", StringComparison.Ordinal) || k.EndsWith("_PASSWORD", StringComparison.Ordinal)).ToList())
            {
                info.Environment.Remove(name);
            }

            using var process = Process.Start(info) ?? throw new InvalidOperationException("docker-compose is not installed (apt-get install -y docker-compose)");
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(DeployTimeouts.Tool);
            return (process.ExitCode, await output, await errors);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
