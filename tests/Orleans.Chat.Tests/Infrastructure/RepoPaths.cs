namespace OrleansChat.Tests.Infrastructure;

public static class RepoPaths
{
    /// <summary>The checkout's root: the folder holding Orleans.Chat.sln above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The built edge node, in the same configuration as the tests.</summary>
    public static string EdgeDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
            return Path.Combine(Root, "WebSocketEdge", "bin", configuration, "net10.0", "Orleans.Chat.WebSocketEdge.dll");
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.Chat.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Orleans.Chat.sln above {AppContext.BaseDirectory}");
    }
}
