namespace OrleansChat.Silo.Options;

public enum StoreProvider
{
    /// <summary>In this process only; lost on restart. The embedded single node's default.</summary>
    Memory,

    /// <summary>Grain state and message history in Redis (<see cref="RedisOptions"/>); the local cluster's default.</summary>
    Redis,

    /// <summary>Grain state and message history in MongoDB; the compose stack's default.</summary>
    Mongo,
}

/// <summary>Where grain state and message history live. Section <c>Chat:Store</c>.</summary>
public sealed class StoreOptions
{
    public const string Section = "Chat:Store";

    /// <summary>Store for grain state and history (one setting for both). Default <c>Memory</c>.</summary>
    public StoreProvider Provider { get; set; } = StoreProvider.Memory;
}
