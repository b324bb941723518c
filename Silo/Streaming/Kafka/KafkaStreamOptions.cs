namespace OrleansChat.Silo.Streaming.Kafka;

/// <summary>
/// Kafka stream provider settings. Section <c>Chat:Kafka</c> when the chat's streams run on Kafka
/// (<c>Chat:Streams:Provider</c> = <c>Kafka</c>). One Orleans queue per topic partition.
/// </summary>
public sealed class KafkaStreamOptions
{
    public const string Section = "Chat:Kafka";

    /// <summary>Comma-separated <c>host:port</c> list of brokers. Default <c>localhost:9092</c>.</summary>
    public string BootstrapServers { get; set; } = "localhost:9092";

    /// <summary>Topic that carries the provider's streams. Default <c>chat-room-events</c>.</summary>
    public string Topic { get; set; } = "chat-room-events";

    /// <summary>
    /// Partitions of <see cref="Topic"/>, which must exist with exactly this many (the provider does
    /// not create or resize topics; a broker's auto-created topics use its <c>num.partitions</c>).
    /// Every silo must use the same value: it fixes which partition each stream hashes to. Default 4.
    /// </summary>
    public int Partitions { get; set; } = 4;

    /// <summary>Consumer group under which delivered offsets are committed. Default <c>orleans-chat</c>.</summary>
    public string ConsumerGroup { get; set; } = "orleans-chat";

    /// <summary>How often an idle receiver looks for new records. Bounds the added delivery latency. Default 20 ms.</summary>
    public TimeSpan PollPeriod { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Most records one receiver hands to Orleans per poll. Default 256.</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>
    /// Events a receiver keeps in memory for its consumers. Offsets are committed as events leave
    /// this cache after delivery, in steps of a tenth of it; smaller means fewer redeliveries after a
    /// restart. Default 1000.
    /// </summary>
    public int CacheSize { get; set; } = 1000;

    /// <summary>Producer <c>linger.ms</c>: how long the producer waits to fill a batch. Default 1 ms.</summary>
    public int LingerMs { get; set; } = 1;

    /// <summary>
    /// How long a publish may wait for Kafka to acknowledge (<c>message.timeout.ms</c>); past it the
    /// publish fails and the room event relay tries it again later (sends never wait for it). Default 5 s.
    /// </summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The largest record the producer sends (<c>message.max.bytes</c>); keep it at or below the
    /// topic's <c>max.message.bytes</c> (1 048 588 on a default broker). The room event relay fills
    /// each batch (one record) to about half of it, leaving room for the record's framing.
    /// Default 1 048 576 (1 MiB).
    /// </summary>
    public int MaxRecordBytes { get; set; } = 1024 * 1024;

    /// <summary><c>security.protocol</c>: <c>Plaintext</c>, <c>Ssl</c>, <c>SaslPlaintext</c> or <c>SaslSsl</c>. Default none (plaintext).</summary>
    public string? SecurityProtocol { get; set; }

    /// <summary><c>sasl.mechanism</c>, e.g. <c>Plain</c>, <c>ScramSha256</c>, <c>ScramSha512</c>. Default none.</summary>
    public string? SaslMechanism { get; set; }

    /// <summary><c>sasl.username</c>. Default none.</summary>
    public string? SaslUsername { get; set; }

    /// <summary><c>sasl.password</c>; never logged. Default none.</summary>
    public string? SaslPassword { get; set; }

    /// <summary><c>ssl.ca.location</c>: CA certificate file to trust. Default none (system store).</summary>
    public string? SslCaLocation { get; set; }

    /// <summary>Any other librdkafka properties, added to every producer and consumer as given. Default none.</summary>
    public Dictionary<string, string> Properties { get; set; } = new(StringComparer.Ordinal);

    /// <summary>For logs: everything but the SASL password.</summary>
    public override string ToString() =>
        $"BootstrapServers={BootstrapServers}, Topic={Topic}, Partitions={Partitions}, ConsumerGroup={ConsumerGroup}, " +
        $"SecurityProtocol={SecurityProtocol ?? "(none)"}, SaslUsername={SaslUsername ?? "(none)"}, SaslPassword={(string.IsNullOrEmpty(SaslPassword) ? "(none)" : "***")}";
}
