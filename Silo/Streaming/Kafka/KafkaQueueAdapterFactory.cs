using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;

namespace OrleansChat.Silo.Streaming.Kafka;

/// <summary>Builds the Kafka adapter, its queue mapper and the in-memory cache Orleans delivers from.</summary>
internal sealed class KafkaQueueAdapterFactory : IQueueAdapterFactory, IDisposable
{
    private readonly string _name;
    private readonly KafkaStreamOptions _options;
    private readonly Serializer _serializer;
    private readonly ILoggerFactory _loggerFactory;
    private readonly KafkaQueueMapper _mapper;
    private readonly SimpleQueueAdapterCache _cache;
    private KafkaQueueAdapter? _adapter;

    public KafkaQueueAdapterFactory(string name, KafkaStreamOptions options, Serializer serializer, ILoggerFactory loggerFactory)
    {
        _name = name;
        _options = options;
        _serializer = serializer;
        _loggerFactory = loggerFactory;
        _mapper = new KafkaQueueMapper(options.Topic, options.Partitions);
        _cache = new SimpleQueueAdapterCache(new SimpleQueueCacheOptions { CacheSize = options.CacheSize }, name, loggerFactory);
    }

    /// <summary>The factory Orleans' persistent stream provider asks for by provider name.</summary>
    public static KafkaQueueAdapterFactory Create(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(name);
        return new KafkaQueueAdapterFactory(name, options, services.GetRequiredService<Serializer>(), services.GetRequiredService<ILoggerFactory>());
    }

    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    public Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken)
    {
        _adapter ??= new KafkaQueueAdapter(_name, _options, _mapper, _serializer, _loggerFactory);
        return Task.FromResult<IQueueAdapter>(_adapter);
    }

    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    /// <summary>
    /// A consumer that keeps failing is given up on after the pulling agent's delivery time; the
    /// offset still moves on. Room event consumers are idempotent and the message store remains
    /// the source of truth, so one stuck consumer must not hold up a partition of rooms.
    /// </summary>
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new NoOpStreamDeliveryFailureHandler());

    public void Dispose() => _adapter?.Dispose();
}
