using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;

namespace OrleansChat.Silo.Streaming.Kafka;

/// <summary>
/// Reads one partition for as long as Orleans' queue balancer gives it to this silo. It starts at
/// the consumer group's committed offset (the partition's beginning if none) and commits an offset
/// only after Orleans delivered every event before it, so a restart or a move to another silo
/// resumes without loss; events delivered but not yet committed are delivered again.
/// </summary>
internal sealed partial class KafkaQueueAdapterReceiver(
    QueueId queueId,
    KafkaStreamOptions options,
    Serializer serializer,
    ILogger<KafkaQueueAdapterReceiver> logger) : IQueueAdapterReceiver
{
    private readonly TopicPartition _partition = new(options.Topic, new Partition(KafkaQueueMapper.PartitionOf(queueId)));
    private IConsumer<byte[], byte[]>? _consumer;
    private long _committed = -1;

    public Task Initialize(TimeSpan timeout)
    {
        var consumer = new ConsumerBuilder<byte[], byte[]>(KafkaClientConfig.Consumer(options, $"{options.ConsumerGroup}-{_partition.Partition.Value}"))
            .SetErrorHandler((_, e) => LogClientError(logger, _partition.ToString(), e.Code, e.Reason))
            .SetLogHandler((_, m) => LogClient(logger, m.Level.ToString(), m.Facility, m.Message))
            .Build();

        // Assigned, not subscribed: Orleans' balancer decides which silo reads which partition, so
        // there is no Kafka group rebalance; the group only holds the committed offsets.
        consumer.Assign(new TopicPartitionOffset(_partition, Offset.Stored));
        _consumer = consumer;
        LogStarted(logger, _partition.ToString(), options.ConsumerGroup);
        return Task.CompletedTask;
    }

    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var batches = new List<IBatchContainer>();
        if (_consumer is not { } consumer)
        {
            return Task.FromResult<IList<IBatchContainer>>(batches);
        }

        var limit = maxCount < 0 ? options.MaxBatchSize : Math.Min(maxCount, options.MaxBatchSize);
        try
        {
            // A zero timeout only takes what librdkafka already fetched in the background: the
            // pulling agent's thread never waits on the network.
            while (batches.Count < limit && !cancellationToken.IsCancellationRequested
                   && consumer.Consume(TimeSpan.Zero) is { } result)
            {
                if (Read(result) is { } batch)
                {
                    batches.Add(batch);
                }
            }
        }
        catch (ConsumeException ex)
        {
            // Kafka unreachable or a partition error: hand over what was read; the next poll retries.
            LogConsumeFailed(logger, _partition.ToString(), ex.Error.Code, ex.Error.Reason);
        }

        return Task.FromResult<IList<IBatchContainer>>(batches);
    }

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        var delivered = messages.OfType<KafkaBatchContainer>().Select(b => b.Offset).DefaultIfEmpty(-1).Max();
        if (delivered > _committed && _consumer is { } consumer)
        {
            await CommitAsync(consumer, delivered);
        }
    }

    public async Task Shutdown(TimeSpan timeout)
    {
        var consumer = Interlocked.Exchange(ref _consumer, null);
        if (consumer is null)
        {
            return;
        }

        // Close leaves cleanly; it waits on the network, so not on the pulling agent's thread.
        await Task.Run(() =>
        {
            consumer.Close();
            consumer.Dispose();
        }).WaitAsync(timeout);
        LogStopped(logger, _partition.ToString(), _committed);
    }

    private KafkaBatchContainer? Read(ConsumeResult<byte[], byte[]> result)
    {
        try
        {
            var batch = serializer.Deserialize<KafkaBatchContainer>(result.Message.Value)
                ?? throw new InvalidDataException("empty record");
            batch.Token = new EventSequenceTokenV2(result.Offset.Value);
            return batch;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A record this silo cannot read (another application's, or a newer format) is skipped,
            // loudly, rather than blocking the partition for every room on it.
            LogUnreadable(logger, _partition.ToString(), result.Offset.Value, ex);
            return null;
        }
    }

    private async Task CommitAsync(IConsumer<byte[], byte[]> consumer, long deliveredOffset)
    {
        try
        {
            // Kafka's committed offset is the next record to read.
            await Task.Run(() => consumer.Commit([new TopicPartitionOffset(_partition, new Offset(deliveredOffset + 1))]));
            _committed = deliveredOffset;
        }
        catch (KafkaException ex)
        {
            // Not fatal: a later commit covers these offsets; a restart before then redelivers them.
            LogCommitFailed(logger, _partition.ToString(), deliveredOffset, ex.Error.Code, ex.Error.Reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading {Partition} from the committed offset of group {Group}")]
    private static partial void LogStarted(ILogger logger, string partition, string group);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped reading {Partition}; delivered and committed up to offset {Offset}")]
    private static partial void LogStopped(ILogger logger, string partition, long offset);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading {Partition} failed: {Code} {Reason}")]
    private static partial void LogConsumeFailed(ILogger logger, string partition, Confluent.Kafka.ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Skipping unreadable record at {Partition} offset {Offset}")]
    private static partial void LogUnreadable(ILogger logger, string partition, long offset, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Committing {Partition} up to offset {Offset} failed: {Code} {Reason}")]
    private static partial void LogCommitFailed(ILogger logger, string partition, long offset, Confluent.Kafka.ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka consumer on {Partition}: {Code} {Reason}")]
    private static partial void LogClientError(ILogger logger, string partition, Confluent.Kafka.ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "librdkafka consumer {Level} {Facility}: {Message}")]
    private static partial void LogClient(ILogger logger, string level, string facility, string message);
}
