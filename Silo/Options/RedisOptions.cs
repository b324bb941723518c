namespace OrleansChat.Silo.Options;

/// <summary>Redis used for membership and, when chosen, for storage. Section <c>Chat:Redis</c>.</summary>
public sealed class RedisOptions
{
    public const string Section = "Chat:Redis";

    /// <summary>StackExchange.Redis connection string. Default <c>localhost:6379</c>.</summary>
    public string ConnectionString { get; set; } = "localhost:6379";
}
