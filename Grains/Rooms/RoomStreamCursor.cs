using Microsoft.Extensions.Logging;
using OrleansChat.Grains.Streaming;
using OrleansChat.Messages;
using Orleans.Runtime;

namespace OrleansChat.Grains.Rooms;

/// <summary>
/// A room's side of its event stream: hands stored events to the silo's <see cref="RoomEventRelay"/>
/// and keeps <see cref="RoomState.PublishedSeq"/> (how far the stream got) in the room's state, so
/// that the room's next activation — after a crash, a failover or a deactivation with the stream
/// down — republishes the stored messages the stream may lack.
/// </summary>
internal sealed partial class RoomStreamCursor(
    Grain grain,
    string roomId,
    IPersistentState<RoomState> state,
    RoomEventRelay relay,
    Func<long> lastSeq,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>How often an active room saves how far its stream got; a crash republishes at most this much again.</summary>
    private static readonly TimeSpan SaveEvery = TimeSpan.FromSeconds(10);

    /// <summary>How long a deactivating room waits for the relay to publish its last events before saving where it got.</summary>
    private static readonly TimeSpan DrainOnDeactivate = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(20);

    private IGrainTimer? _saveTimer;

    /// <summary>On activation: what a previous activation stored but may not have published goes out again, before anything new.</summary>
    public void Resume()
    {
        if (state.State.PublishedSeq is { } published && published < lastSeq())
        {
            relay.Republish(roomId, published, lastSeq());
            StartSaving();
        }
    }

    /// <summary>Queues a stored event for the stream; never waits.</summary>
    public void Publish(RoomEvent roomEvent)
    {
        relay.Post(roomEvent);
        StartSaving();
    }

    public async Task OnDeactivateAsync(CancellationToken cancellationToken)
    {
        if (_saveTimer is null)
        {
            return;
        }

        // Give the relay a moment to publish the last events, so the next activation has less to
        // republish; what it has not published by then goes out again from the store.
        var deadline = time.GetUtcNow() + DrainOnDeactivate;
        while (relay.FirstPendingSeq(roomId) is not null && time.GetUtcNow() < deadline && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(DrainPoll, time, CancellationToken.None);
        }

        try
        {
            await SaveAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            LogSaveFailed(logger, roomId, ex);
        }
    }

    private void StartSaving() => _saveTimer ??= grain.RegisterGrainTimer(SaveAsync, SaveEvery, SaveEvery);

    /// <summary>Saves how far the stream got; stops once it caught up with the room and the save went through.</summary>
    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        // Every message below the relay's first waiting one is on the stream (the relay keeps each room's order).
        var published = relay.FirstPendingSeq(roomId) is { } pending ? pending - 1 : lastSeq();
        if (published > (state.State.PublishedSeq ?? 0))
        {
            state.State.PublishedSeq = published;
            await state.WriteStateAsync(cancellationToken);
        }

        if (published == lastSeq())
        {
            _saveTimer?.Dispose();
            _saveTimer = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {RoomId}: saving how far its event stream got failed; the next activation republishes from the last saved seq")]
    private static partial void LogSaveFailed(ILogger logger, string roomId, Exception exception);
}
