using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;
using OrleansChat.Tests.Infrastructure;
using Orleans.Storage;

namespace OrleansChat.Tests.Storage.Infrastructure;

/// <summary>Store settings of a node on the private Redis, as <c>Chat:*</c> configuration.</summary>
public static class StoreSettings
{
    public static Dictionary<string, string?> Redis(RedisServerFixture redis) => new()
    {
        ["Chat:Store:Provider"] = "Redis",
        ["Chat:Redis:ConnectionString"] = redis.ConnectionString,
    };

    public static Dictionary<string, string?> Mongo(string database) => new()
    {
        ["Chat:Store:Provider"] = "Mongo",
        ["Chat:Mongo:ConnectionString"] = MongoTestEnvironment.Url,
        ["Chat:Mongo:Database"] = database,
    };
}

/// <summary>A silo on the private Redis; its "chat" grain storage is what the grain storage contract tests.</summary>
public sealed class RedisSiloFixture : IAsyncLifetime
{
    public RedisServerFixture Redis { get; } = new();

    public StorageSilo? Silo { get; private set; }

    public IGrainStorage Storage => Silo?.Services.GetRequiredKeyedService<IGrainStorage>(ChatNames.GrainStorage)
        ?? throw new InvalidOperationException("the silo has not started");

    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        Silo = await StorageSilo.StartAsync($"redis-silo-{Guid.NewGuid():N}", StoreSettings.Redis(Redis));
    }

    public async Task DisposeAsync()
    {
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        await Redis.DisposeAsync();
    }
}

/// <summary>A silo on the MongoDB at <c>MONGO_URL</c>, with a database of its own; inert when the variable is unset.</summary>
public sealed class MongoSiloFixture : IAsyncLifetime
{
    public string Database { get; } = $"chat-tests-{Guid.NewGuid():N}"[..32];

    public StorageSilo? Silo { get; private set; }

    public IGrainStorage Storage => Silo?.Services.GetRequiredKeyedService<IGrainStorage>(ChatNames.GrainStorage)
        ?? throw new InvalidOperationException(MongoTestEnvironment.SkipReason ?? "the silo has not started");

    public async Task InitializeAsync()
    {
        if (MongoTestEnvironment.Url is not null)
        {
            Silo = await StorageSilo.StartAsync($"mongo-silo-{Guid.NewGuid():N}", StoreSettings.Mongo(Database));
        }
    }

    public async Task DisposeAsync()
    {
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        if (MongoTestEnvironment.Url is { } url)
        {
            using var client = new MongoClient(url);
            await client.DropDatabaseAsync(Database).WaitAsync(TestIds.Timeout);
        }
    }
}
