namespace OrleansChat.Tests.Deploy;

public static class DeployTimeouts
{
    /// <summary>
    /// For one run of an outside tool (docker-compose, shellcheck, docker-start.sh, nginx -t): each takes a
    /// second or two alone, but tens of seconds on a loaded machine running the whole suite.
    /// </summary>
    public static readonly TimeSpan Tool = TimeSpan.FromMinutes(2);
}

/// <summary>
/// The image build replay publishes the whole node from scratch (minutes of CPU): it runs alone, after
/// the parallel collections, so that it neither starves their timed waits nor is starved by them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ImageBuildCollection
{
    public const string Name = "image build";
}
