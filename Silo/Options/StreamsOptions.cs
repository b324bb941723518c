namespace OrleansChat.Silo.Options;

public enum StreamsProvider
{
    /// <summary>In-memory streams inside the cluster; events are lost with the silo. The embedded node's default.</summary>
    Memory,

    /// <summary>Persistent streams in Kafka (section <c>Chat:Kafka</c>); the cluster's choice.</summary>
    Kafka,
}

/// <summary>Which stream provider carries room events. Section <c>Chat:Streams</c>.</summary>
public sealed class StreamsOptions
{
    public const string Section = "Chat:Streams";

    /// <summary>Provider behind <see cref="ChatNames.StreamProvider"/>. Default <c>Memory</c>.</summary>
    public StreamsProvider Provider { get; set; } = StreamsProvider.Memory;
}
