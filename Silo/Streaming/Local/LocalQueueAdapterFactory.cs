using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace OrleansChat.Silo.Streaming.Local;

/// <summary>Builds the silo-local adapter, its queue mapper and the cache Orleans delivers from.</summary>
internal sealed class LocalQueueAdapterFactory(string name, ILoggerFactory loggerFactory) : IQueueAdapterFactory
{
    /// <summary>Queues per silo: each gets one pulling agent, so a few let delivery to many rooms overlap.</summary>
    public const int Queues = 2;

    /// <summary>Undelivered batches per queue before publishes are refused (and the relay waits).</summary>
    private const int Capacity = 50_000;

    private readonly HashRingBasedStreamQueueMapper _mapper = new(new HashRingStreamQueueMapperOptions { TotalQueueCount = Queues }, name);
    private readonly SimpleQueueAdapterCache _cache = new(new SimpleQueueCacheOptions(), name, loggerFactory);
    private LocalQueueAdapter? _adapter;

    public Task<IQueueAdapter> CreateAdapter()
    {
        _adapter ??= new LocalQueueAdapter(name, _mapper, Capacity);
        return Task.FromResult<IQueueAdapter>(_adapter);
    }

    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    /// <summary>Room event consumers are idempotent and the store is the truth: one stuck consumer must not hold up a queue.</summary>
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new NoOpStreamDeliveryFailureHandler());
}
