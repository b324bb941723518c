namespace OrleansChat.Silo.Options;

public enum StreamsProvider
{
    /// <summary>Streams in the memory of the silo that publishes (no grain call to publish, nothing crosses silos while idle); events not yet delivered are lost with the silo, and rooms republish their stored messages. The embedded node's default.</summary>
    Memory,

    /// <summary>Persistent streams in Kafka (section <c>Chat:Kafka</c>); the cluster's choice.</summary>
    Kafka,
}
