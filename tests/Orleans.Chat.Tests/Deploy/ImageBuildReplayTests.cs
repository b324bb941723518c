using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using OrleansChat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansChat.Tests.Deploy;

/// <summary>
/// No Docker engine runs here, so the image build is replayed (see <see cref="ImageBuildReplay"/>):
/// every stage from a fresh copy of the repository with only its base image's programs, then the
/// runtime stage's entrypoint is started and must serve the page with the official client, safe by default.
/// </summary>
[Collection(ImageBuildCollection.Name)]
public sealed partial class ImageBuildReplayTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StageTimeout = TimeSpan.FromMinutes(8);

    [Fact]
    public void Stages_run_as_a_non_root_user_and_use_relative_paths_the_replay_can_follow()
    {
        var stages = Dockerfile.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "Dockerfile")));
        var runtime = stages[^1];

        Assert.Equal(["node", "mcr.microsoft.com/dotnet/sdk", "mcr.microsoft.com/dotnet/aspnet"], stages.Select(s => s.BaseImage.Split(':')[0]));
        Assert.NotNull(runtime.User);
        Assert.DoesNotMatch("^(root|0)(:|$)", runtime.User);
        Assert.Equal("exec", runtime.Entrypoint.Count > 0 ? "exec" : "shell");
        foreach (var run in stages.SelectMany(s => s.All("RUN")))
        {
            Assert.False(AbsolutePath().IsMatch(run.Arguments), $"RUN {run.Arguments}: an absolute path the replay cannot map; use one relative to WORKDIR");
        }
    }

    [Fact]
    public async Task Every_stage_builds_with_only_its_base_image_and_the_image_serves_the_page_safely()
    {
        using var replay = new ImageBuildReplay(RepoPaths.Root);
        Assert.False(Directory.Exists(Path.Combine(replay.Context, "WebSocketEdge", "client", "node_modules")), "the build context holds node_modules");

        foreach (var stage in replay.Stages)
        {
            var clock = Stopwatch.StartNew();
            await replay.BuildAsync(stage, StageTimeout);
            output.WriteLine($"stage {stage.Name} ({stage.BaseImage}): {clock.Elapsed.TotalSeconds:0} s");
        }

        var runtime = replay.Stages[^1];
        Assert.True(File.Exists(replay.HostPath(runtime, "/app/wwwroot/lib/signalr.min.js")), "the image lacks the SignalR browser client\n" + replay.Log);

        await using var node = await StartEntrypointAsync(replay, runtime);
        using var http = new HttpClient { BaseAddress = new Uri(node.BaseUrl), Timeout = TestIds.Timeout };
        Assert.Contains("Orleans.Chat", await http.GetStringAsync("/"));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/lib/signalr.min.js")).StatusCode);
        // The image is for deployments: nobody may mint tokens unless an operator turns the demo sign-in on.
        using var token = await http.PostAsync("/api/auth/dev-token", new StringContent("{\"userId\":\"mallory\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, token.StatusCode);
    }

    /// <summary>The runtime stage's ENTRYPOINT as the container runs it, with the base image's programs only.</summary>
    private static async Task<EdgeProcess> StartEntrypointAsync(ImageBuildReplay replay, DockerStage runtime)
    {
        var workdir = runtime.All("WORKDIR").Last().Arguments;
        var port = Ports.Free();
        var entrypoint = runtime.Entrypoint;
        var info = new ProcessStartInfo(entrypoint[0])
        {
            WorkingDirectory = replay.HostPath(runtime, workdir),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in entrypoint.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Clear();
        foreach (var (key, value) in replay.Environment(runtime))
        {
            info.Environment[key] = value;
        }

        info.FileName = Path.Combine(replay.ToolsDirectory(runtime), entrypoint[0]);
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["Chat__Cluster__AdvertisedAddress"] = "127.0.0.1";
        var (silo, gateway) = (Ports.Free(), Ports.Free());
        info.Environment["Chat__Cluster__SiloPort"] = silo.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Chat__Cluster__GatewayPort"] = gateway.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var node = EdgeProcess.Adopt(Process.Start(info) ?? throw new InvalidOperationException("the entrypoint did not start"), port, silo, gateway);
        try
        {
            await node.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        }
        catch (Exception)
        {
            await node.DisposeAsync();
            throw;
        }

        return node;
    }

    [GeneratedRegex(@"(^|\s)/(?!dev/null)[A-Za-z]")]
    private static partial Regex AbsolutePath();
}
