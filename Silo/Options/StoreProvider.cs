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
