using Confluent.Kafka;

namespace OrleansChat.Silo.Streaming.Kafka;

/// <summary>Turns the provider's options into librdkafka client settings.</summary>
internal static class KafkaClientConfig
{
    /// <summary>acks=all and idempotence: an acknowledged event is on every in-sync replica, written once and in order.</summary>
    public static ProducerConfig Producer(KafkaStreamOptions options, string clientId)
    {
        var config = new ProducerConfig(Common(options, clientId))
        {
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = options.LingerMs,
            MessageTimeoutMs = (int)options.DeliveryTimeout.TotalMilliseconds,
            MessageMaxBytes = options.MaxRecordBytes,
        };
        return config;
    }

    /// <summary>
    /// Offsets are committed by the receiver only after Orleans delivered the events; a partition
    /// with no committed offset is read from its beginning, so nothing is skipped.
    /// </summary>
    public static ConsumerConfig Consumer(KafkaStreamOptions options, string clientId) =>
        new(Common(options, clientId))
        {
            GroupId = options.ConsumerGroup,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnablePartitionEof = false,
            FetchWaitMaxMs = 10,
        };

    /// <summary>For the health probe's metadata requests.</summary>
    public static AdminClientConfig Admin(KafkaStreamOptions options, string clientId) => new(Common(options, clientId));

    private static ClientConfig Common(KafkaStreamOptions options, string clientId)
    {
        var config = new ClientConfig
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = clientId,
        };
        SetIfGiven(config, "sasl.username", options.SaslUsername);
        SetIfGiven(config, "sasl.password", options.SaslPassword);
        SetIfGiven(config, "ssl.ca.location", options.SslCaLocation);
        if (options.SecurityProtocol is { } protocol)
        {
            config.SecurityProtocol = Enum.Parse<SecurityProtocol>(protocol, ignoreCase: true);
        }

        if (options.SaslMechanism is { } mechanism)
        {
            config.SaslMechanism = Enum.Parse<SaslMechanism>(mechanism, ignoreCase: true);
        }

        foreach (var (key, value) in options.Properties)
        {
            config.Set(key, value);
        }

        return config;
    }

    private static void SetIfGiven(ClientConfig config, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            config.Set(key, value);
        }
    }
}
