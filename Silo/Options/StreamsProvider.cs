namespace OrleansChat.Silo.Options;

public enum StreamsProvider
{
    /// <summary>In-memory streams inside the cluster; events are lost with the silo. The embedded node's default.</summary>
    Memory,

    /// <summary>Persistent streams in Kafka (section <c>Chat:Kafka</c>); the cluster's choice.</summary>
    Kafka,
}
