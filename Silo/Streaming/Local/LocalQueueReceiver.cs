using Orleans.Streams;

namespace OrleansChat.Silo.Streaming.Local;

/// <summary>Hands a pulling agent what its silo queued; nothing to acknowledge, nothing to close.</summary>
internal sealed class LocalQueueReceiver(LocalQueue queue) : IQueueAdapterReceiver
{
    public Task Initialize(TimeSpan timeout) => Task.CompletedTask;

    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount)
    {
        // The agent asks for "as many as you like" with a negative count.
        IList<IBatchContainer> batches = queue.Take(maxCount < 0 ? int.MaxValue : maxCount).Cast<IBatchContainer>().ToList();
        return Task.FromResult(batches);
    }

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => Task.CompletedTask;

    public Task Shutdown(TimeSpan timeout) => Task.CompletedTask;
}
