using Orleans.Streams;

namespace OrleansChat.Silo.Streaming.Local;

/// <summary>
/// Every silo reads every queue: a silo-local queue holds only what that silo published, so each
/// silo must run an agent for each of its own queues. Membership changes move nothing.
/// </summary>
internal sealed class AllQueuesBalancer : IStreamQueueBalancer
{
    private IStreamQueueMapper? _mapper;

    public Task Initialize(IStreamQueueMapper queueMapper)
    {
        _mapper = queueMapper;
        return Task.CompletedTask;
    }

    public Task Shutdown() => Task.CompletedTask;

    public IEnumerable<QueueId> GetMyQueues() => _mapper?.GetAllQueues() ?? [];

    public bool SubscribeToQueueDistributionChangeEvents(IStreamQueueBalanceListener queueBalanceListener) => true;

    public bool UnSubscribeFromQueueDistributionChangeEvents(IStreamQueueBalanceListener queueBalanceListener) => true;
}
