namespace OrleansChat.Tests.Infrastructure;

/// <summary>Fresh user and room names per test, so tests sharing a node or cluster never see each other.</summary>
public static class TestIds
{
    public static string User(string hint = "u") => $"{hint}-{Guid.NewGuid():N}"[..Math.Min(40, hint.Length + 33)];

    public static string Room(string hint = "room") => $"{hint}-{Guid.NewGuid():N}"[..Math.Min(40, hint.Length + 33)];

    /// <summary>The bound on every await in tests: long enough for a loaded CI machine, short enough to fail clearly.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
}
