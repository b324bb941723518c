using System.Diagnostics;
using System.Text;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Deploy;

/// <summary>
/// Replays a Dockerfile's stages without Docker: a fresh copy of the repository (tracked and new files,
/// nothing ignored, so no bin/, node_modules/ or wwwroot/lib/) filtered by .dockerignore is the build
/// context; each stage gets its own directory standing in for its file system, and its RUN lines run
/// with only the programs its base image provides on PATH. A stage that needs anything else fails here
/// as it would in <c>docker build</c>.
/// </summary>
public sealed class ImageBuildReplay : IDisposable
{
    /// <summary>What every base image here has: a shell and the usual file tools.</summary>
    private static readonly string[] BaseTools =
        ["sh", "bash", "cat", "cp", "mv", "rm", "mkdir", "ls", "env", "cut", "grep", "sed", "head", "tail", "tr", "touch",
         "chmod", "ln", "dirname", "basename", "find", "uname", "hostname", "id", "sort", "wc", "xargs", "readlink"];

    private readonly StringBuilder _log = new();

    public ImageBuildReplay(string repositoryRoot)
    {
        Root = Directory.CreateTempSubdirectory("chat-image-replay-").FullName;
        Context = Path.Combine(Root, "context");
        Stages = Dockerfile.Parse(File.ReadAllText(Path.Combine(repositoryRoot, "Dockerfile")));
        CopyFreshClone(repositoryRoot, Context, DockerIgnore.Load(Path.Combine(repositoryRoot, ".dockerignore")));
    }

    public string Root { get; }

    public string Context { get; }

    public IReadOnlyList<DockerStage> Stages { get; }

    public string Log => _log.ToString();

    /// <summary>The programs a base image brings beyond <see cref="BaseTools"/>, by image name.</summary>
    public static IReadOnlyList<string> ToolsOf(string image) => image switch
    {
        _ when image.StartsWith("node:", StringComparison.Ordinal) => ["node", "npm", "npx"],
        _ when image.StartsWith("mcr.microsoft.com/dotnet/sdk:", StringComparison.Ordinal) => ["dotnet", "git", "curl"],
        _ when image.StartsWith("mcr.microsoft.com/dotnet/aspnet:", StringComparison.Ordinal) => ["dotnet"],
        _ => throw new InvalidOperationException($"the replay does not know what {image} provides; add it to ToolsOf"),
    };

    /// <summary>A stage's file system: container path <c>/x</c> is <c>FileSystem(stage)/x</c>.</summary>
    public string FileSystem(DockerStage stage) => Path.Combine(Root, "stages", stage.Name);

    public string HostPath(DockerStage stage, string containerPath) => Path.Combine(FileSystem(stage), containerPath.TrimStart('/'));

    /// <summary>A directory holding links to exactly the programs the stage's base image provides.</summary>
    public string ToolsDirectory(DockerStage stage)
    {
        var dir = Path.Combine(Root, "tools", stage.Name);
        Directory.CreateDirectory(dir);
        foreach (var tool in BaseTools.Concat(ToolsOf(stage.BaseImage)))
        {
            if (Which(tool) is { } found && !File.Exists(Path.Combine(dir, tool)))
            {
                File.CreateSymbolicLink(Path.Combine(dir, tool), found);
            }
        }

        return dir;
    }

    /// <summary>The environment a stage's commands see: its ENV lines, and PATH limited to its base image's tools.</summary>
    public Dictionary<string, string> Environment(DockerStage stage)
    {
        var env = new Dictionary<string, string>
        {
            ["PATH"] = ToolsDirectory(stage),
            // The host's package caches stand in for the registries a Docker build downloads from.
            ["HOME"] = System.Environment.GetEnvironmentVariable("HOME") ?? "/root",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            // A container build leaves no build servers behind; neither may the replay.
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
            ["UseSharedCompilation"] = "false",
            ["APP_UID"] = "1654",
        };
        foreach (var line in stage.All("ENV"))
        {
            foreach (var pair in line.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var eq = pair.IndexOf('=');
                env[pair[..eq]] = pair[(eq + 1)..];
            }
        }

        return env;
    }

    /// <summary>Runs the stage's COPY and RUN lines in order; throws with the output when one fails.</summary>
    public async Task BuildAsync(DockerStage stage, TimeSpan timeout)
    {
        var workdir = "/";
        Directory.CreateDirectory(FileSystem(stage));
        foreach (var instruction in stage.Instructions)
        {
            switch (instruction.Keyword)
            {
                case "WORKDIR":
                    workdir = instruction.Arguments.StartsWith('/') ? instruction.Arguments : Path.Combine(workdir, instruction.Arguments);
                    Directory.CreateDirectory(HostPath(stage, workdir));
                    break;
                case "COPY":
                    Copy(stage, workdir, instruction.Arguments);
                    break;
                case "RUN":
                    await RunAsync(stage, workdir, instruction.Arguments, timeout);
                    break;
            }
        }
    }

    private void Copy(DockerStage stage, string workdir, string arguments)
    {
        var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var from = words.FirstOrDefault(w => w.StartsWith("--from=", StringComparison.Ordinal));
        words.RemoveAll(w => w.StartsWith("--", StringComparison.Ordinal));
        var destination = words[^1].StartsWith('/') ? words[^1] : Path.Combine(workdir, words[^1]);
        var sourceStage = from is null ? null : Stages.Single(s => s.Name == from["--from=".Length..]);
        foreach (var source in words[..^1])
        {
            var hostSource = sourceStage is null ? Path.Combine(Context, source) : HostPath(sourceStage, source);
            var hostDestination = HostPath(stage, destination);
            if (Directory.Exists(hostSource))
            {
                CopyDirectory(hostSource, hostDestination);
            }
            else if (File.Exists(hostSource))
            {
                var target = destination.EndsWith('/') || words.Count > 2 ? Path.Combine(hostDestination, Path.GetFileName(source)) : hostDestination;
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(hostSource, target, overwrite: true);
            }
            else
            {
                throw new InvalidOperationException($"COPY {arguments}: {source} is not in {(sourceStage is null ? "the build context" : $"stage {sourceStage.Name}")}\n{Log}");
            }
        }
    }

    private async Task RunAsync(DockerStage stage, string workdir, string command, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = HostPath(stage, workdir),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        info.Environment.Clear();
        foreach (var (key, value) in Environment(stage))
        {
            info.Environment[key] = value;
        }

        _log.AppendLine($"[{stage.Name}] RUN {command}");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("/bin/sh did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        _log.AppendLine(await output).AppendLine(await errors);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"stage {stage.Name} ({stage.BaseImage}): RUN {command} exited {process.ExitCode}\n{Log}");
        }
    }

    private static void CopyFreshClone(string repositoryRoot, string context, DockerIgnore ignore)
    {
        // Tracked files and new ones not ignored by git: what a clone of this work would hold.
        var info = new ProcessStartInfo("git", ["-C", repositoryRoot, "ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var git = Process.Start(info) ?? throw new InvalidOperationException("git did not start");
        var files = git.StandardOutput.ReadToEnd().Split('\0', StringSplitOptions.RemoveEmptyEntries);
        git.WaitForExit();
        foreach (var file in files.Where(f => !ignore.Excludes(f) && File.Exists(Path.Combine(repositoryRoot, f))))
        {
            var target = Path.Combine(context, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(repositoryRoot, file), target);
        }
    }

    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var dir in Directory.GetDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(destination, Path.GetRelativePath(source, dir)));
        }

        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(destination, Path.GetRelativePath(source, file)), overwrite: true);
        }
    }

    private static string? Which(string tool) =>
        new[] { "/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin" }.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp directory is left for the system to clear.
        }
    }
}
