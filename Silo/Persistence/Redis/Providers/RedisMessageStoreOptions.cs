namespace OrleansChat.Silo.Persistence.Redis;

/// <summary>Options of the Redis message store.</summary>
public sealed class RedisMessageStoreOptions
{
    /// <summary>
    /// StackExchange.Redis connection string. The process's one <see cref="RedisConnection"/> is made
    /// from it, and Redis grain storage in the same silo shares that connection. Default <c>localhost:6379</c>.
    /// </summary>
    public string ConnectionString { get; set; } = "localhost:6379";

    /// <summary>Prefix of every history key, so deployments sharing a Redis stay apart. Required; the chat silo uses its Orleans service id.</summary>
    public string KeyPrefix { get; set; } = "";
}
