using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Driver;
using OrleansChat.Silo.Persistence.Mongo;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Storage.Infrastructure;

/// <summary>
/// A throw-away database on the MongoDB at <c>MONGO_URL</c>, dropped afterwards. Inert where the
/// variable is unset: xunit builds class fixtures even when every test of the class is skipped.
/// </summary>
public sealed class MongoFixture : IAsyncLifetime
{
    private readonly MongoClientCache _clients = new();

    public string Database { get; } = $"chat-tests-{Guid.NewGuid():N}"[..32];

    public MongoMessageStore? MessageStore { get; private set; }

    public string ConnectionString => MongoTestEnvironment.Url ?? throw new InvalidOperationException(MongoTestEnvironment.SkipReason);

    public async Task InitializeAsync()
    {
        if (MongoTestEnvironment.Url is null)
        {
            return;
        }

        MessageStore = new MongoMessageStore(
            new MongoMessageStoreOptions { ConnectionString = ConnectionString, Database = Database },
            _clients,
            NullLogger<MongoMessageStore>.Instance);
        using var timeout = new CancellationTokenSource(TestIds.Timeout);
        await MessageStore.EnsureIndexesAsync(timeout.Token);

        // Twice on purpose: start-up runs this on every node, so it must be harmless when the indexes exist.
        await MessageStore.EnsureIndexesAsync(timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (MongoTestEnvironment.Url is { } url)
        {
            using var client = new MongoClient(url);
            await client.DropDatabaseAsync(Database).WaitAsync(TestIds.Timeout);
        }

        _clients.Dispose();
    }
}
