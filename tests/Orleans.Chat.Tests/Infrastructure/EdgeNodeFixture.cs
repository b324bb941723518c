namespace OrleansChat.Tests.Infrastructure;

/// <summary>One embedded node process shared by the end-to-end tests of a collection; tests keep apart by unique names.</summary>
public sealed class EdgeNodeFixture : IAsyncLifetime
{
    public EdgeProcess Node { get; private set; } = null!;

    public string BaseUrl => Node.BaseUrl;

    public async Task InitializeAsync() => Node = await EdgeProcess.StartAsync();

    public async Task DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("CHAT_TEST_NODE_LOG") is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, Node.Output);
        }

        await Node.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class EdgeNodeCollection : ICollectionFixture<EdgeNodeFixture>
{
    public const string Name = "edge node";
}
