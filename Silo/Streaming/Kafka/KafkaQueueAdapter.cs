using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Streams;

namespace OrleansChat.Silo.Streaming.Kafka;

/// <summary>
/// Writes stream events to Kafka, one record per publish, keyed by stream and sent to the
/// stream's partition. A publish completes only when Kafka acknowledged the record on all in-sync
/// replicas; otherwise it throws <see cref="KafkaStreamException"/> and nothing is acknowledged.
/// </summary>
internal sealed partial class KafkaQueueAdapter : IQueueAdapter, IDisposable
{
    private readonly KafkaStreamOptions _options;
    private readonly KafkaQueueMapper _mapper;
    private readonly Serializer _serializer;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Lock _producerLock = new();
    private IProducer<byte[], byte[]>? _producer;

    public KafkaQueueAdapter(string name, KafkaStreamOptions options, KafkaQueueMapper mapper, Serializer serializer, ILoggerFactory loggerFactory)
    {
        Name = name;
        _options = options;
        _mapper = mapper;
        _serializer = serializer;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<KafkaQueueAdapter>();
    }

    public string Name { get; }

    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new NotSupportedException($"stream provider '{Name}' assigns its own sequence tokens (Kafka offsets)");
        }

        var batch = new KafkaBatchContainer(streamId, events.Cast<object>().ToList(), requestContext);
        var record = new Message<byte[], byte[]> { Key = streamId.Key.ToArray(), Value = _serializer.SerializeToArray(batch) };
        var partition = new TopicPartition(_options.Topic, new Partition(_mapper.PartitionOf(streamId)));
        var producer = Producer();
        try
        {
            await producer.ProduceAsync(partition, record);
        }
        catch (ProduceException<byte[], byte[]> ex)
        {
            if (ex.Error.IsFatal)
            {
                // A fatal idempotence error leaves this producer unusable; the next publish builds a new one.
                ReplaceProducer(producer);
            }

            LogPublishFailed(_logger, streamId.ToString(), partition.ToString(), ex.Error.Code, ex.Error.Reason);
            var hint = ex.Error.Code == Confluent.Kafka.ErrorCode.Local_UnknownPartition
                ? $"; the topic has fewer partitions than {KafkaStreamOptions.Section}:Partitions ({_options.Partitions})"
                : "";
            throw new KafkaStreamException(
                $"Kafka did not acknowledge the event on {partition.Topic}[{partition.Partition.Value}]: {ex.Error.Reason} ({ex.Error.Code}){hint}", ex);
        }
        catch (KafkaException ex)
        {
            LogPublishFailed(_logger, streamId.ToString(), partition.ToString(), ex.Error.Code, ex.Error.Reason);
            throw new KafkaStreamException($"Kafka refused the event: {ex.Error.Reason} ({ex.Error.Code})", ex);
        }
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) =>
        new KafkaQueueAdapterReceiver(queueId, _options, _serializer, _loggerFactory.CreateLogger<KafkaQueueAdapterReceiver>());

    public void Dispose()
    {
        IProducer<byte[], byte[]>? producer;
        lock (_producerLock)
        {
            (producer, _producer) = (_producer, null);
        }

        // Flush what is in flight so a clean shutdown loses no acknowledged-pending publish.
        producer?.Flush(TimeSpan.FromSeconds(5));
        producer?.Dispose();
    }

    /// <summary>Created on first use: librdkafka connects in the background, so a missing Kafka never stops the silo from starting.</summary>
    private IProducer<byte[], byte[]> Producer()
    {
        lock (_producerLock)
        {
            return _producer ??= new ProducerBuilder<byte[], byte[]>(KafkaClientConfig.Producer(_options, $"{Name}-producer"))
                .SetLogHandler((_, m) => LogClient(_logger, m.Level.ToString(), m.Facility, m.Message))
                .SetErrorHandler((_, e) => LogClientError(_logger, e.Code, e.Reason))
                .Build();
        }
    }

    private void ReplaceProducer(IProducer<byte[], byte[]> broken)
    {
        lock (_producerLock)
        {
            if (ReferenceEquals(_producer, broken))
            {
                _producer = null;
            }
        }

        broken.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing on stream {StreamId} to {Partition} failed: {Code} {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string streamId, string partition, Confluent.Kafka.ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "librdkafka producer {Level} {Facility}: {Message}")]
    private static partial void LogClient(ILogger logger, string level, string facility, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka producer: {Code} {Reason}")]
    private static partial void LogClientError(ILogger logger, Confluent.Kafka.ErrorCode code, string reason);
}
