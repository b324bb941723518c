using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Chat.Silo.Persistence.Memory;
using Orleans.Chat.Silo.Persistence.Redis;
using Orleans.Chat.Storage;
using Orleans.Chat.Tests.Storage.Infrastructure;

namespace Orleans.Chat.Tests.Storage;

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
