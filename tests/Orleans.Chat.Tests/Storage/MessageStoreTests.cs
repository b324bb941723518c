using Microsoft.Extensions.Logging.Abstractions;
using OrleansChat.Silo.Persistence.Memory;
using OrleansChat.Silo.Persistence.Redis;
using OrleansChat.Storage;
using OrleansChat.Tests.Infrastructure;
using OrleansChat.Tests.Storage.Infrastructure;

namespace OrleansChat.Tests.Storage;

public sealed class MemoryMessageStoreTests : MessageStoreContract
{
    protected override IMessageStore Store { get; } = new MemoryMessageStore();
}

public sealed class RedisMessageStoreTests(RedisServerFixture redis) : MessageStoreContract, IClassFixture<RedisServerFixture>
{
    protected override IMessageStore Store { get; } = new RedisMessageStore(
        redis.Connection, new RedisMessageKeys($"tests-{Guid.NewGuid():N}"), NullLogger<RedisMessageStore>.Instance);
}

[RequiresMongo]
public sealed class MongoMessageStoreTests(MongoFixture mongo) : MessageStoreContract, IClassFixture<MongoFixture>
{
    protected override IMessageStore Store =>
        mongo.MessageStore ?? throw new InvalidOperationException(MongoTestEnvironment.SkipReason);
}

/// <summary>The health check asks the store; an unreachable Redis must answer "no", not hang or throw.</summary>
public sealed class RedisStoreHealthTests
{
    [Fact]
    public async Task Ping_answers_false_when_redis_is_unreachable()
    {
        // A port just released by the OS: nothing listens there.
        await using var connection = new RedisConnection($"127.0.0.1:{Ports.Free()},connectTimeout=1000,asyncTimeout=1000");
        var store = new RedisMessageStore(connection, new RedisMessageKeys("tests"), NullLogger<RedisMessageStore>.Instance);

        Assert.False(await store.PingAsync().WaitAsync(TestIds.Timeout));
    }
}
