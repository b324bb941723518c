using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace OrleansChat.Silo.Streaming.Kafka;

/// <summary>Checks the Kafka options at start; every message names the key and the stream provider.</summary>
public sealed class KafkaStreamOptionsValidator : IValidateOptions<KafkaStreamOptions>
{
    /// <summary>
    /// A batch gets half of a record; a message of the longest text (12 000 UTF-8 bytes at most,
    /// plus ids) must fit that half with room to spare, or every long message would go alone.
    /// </summary>
    internal const int MinRecordBytes = 64 * 1024;

    public ValidateOptionsResult Validate(string? name, KafkaStreamOptions options)
    {
        var errors = new List<string>();
        void Fail(string key, string problem) =>
            errors.Add($"{KafkaStreamOptions.Section}:{key} {problem} (stream provider '{name}')");

        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            Fail(nameof(options.BootstrapServers), "must list at least one host:port");
        }

        if (string.IsNullOrWhiteSpace(options.Topic) || options.Topic.Length > 249)
        {
            Fail(nameof(options.Topic), "must be 1-249 characters");
        }

        if (options.Partitions is < 1 or > 4096)
        {
            Fail(nameof(options.Partitions), $"must be between 1 and 4096 (was {options.Partitions})");
        }

        if (string.IsNullOrWhiteSpace(options.ConsumerGroup))
        {
            Fail(nameof(options.ConsumerGroup), "must not be empty");
        }

        if (options.PollPeriod <= TimeSpan.Zero || options.PollPeriod > TimeSpan.FromSeconds(10))
        {
            Fail(nameof(options.PollPeriod), $"must be above 0 and at most 10 s (was {options.PollPeriod})");
        }

        if (options.MaxBatchSize < 1)
        {
            Fail(nameof(options.MaxBatchSize), $"must be at least 1 (was {options.MaxBatchSize})");
        }

        if (options.CacheSize < 10)
        {
            Fail(nameof(options.CacheSize), $"must be at least 10 (was {options.CacheSize})");
        }

        if (options.LingerMs is < 0 or > 1000)
        {
            Fail(nameof(options.LingerMs), $"must be between 0 and 1000 (was {options.LingerMs})");
        }

        if (options.DeliveryTimeout < TimeSpan.FromMilliseconds(100))
        {
            Fail(nameof(options.DeliveryTimeout), $"must be at least 100 ms (was {options.DeliveryTimeout})");
        }

        if (options.MaxRecordBytes is < MinRecordBytes or > 1_000_000_000)
        {
            Fail(nameof(options.MaxRecordBytes), $"must be between {MinRecordBytes} and 1000000000 (was {options.MaxRecordBytes})");
        }

        if (options.SecurityProtocol is { } protocol && !Enum.TryParse<SecurityProtocol>(protocol, ignoreCase: true, out _))
        {
            Fail(nameof(options.SecurityProtocol), $"must be one of {string.Join(", ", Enum.GetNames<SecurityProtocol>())} (was '{protocol}')");
        }

        if (options.SaslMechanism is { } mechanism && !Enum.TryParse<SaslMechanism>(mechanism, ignoreCase: true, out _))
        {
            Fail(nameof(options.SaslMechanism), $"must be one of {string.Join(", ", Enum.GetNames<SaslMechanism>())} (was '{mechanism}')");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
