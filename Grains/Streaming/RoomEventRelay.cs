using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Messages;
using OrleansChat.Storage;
using OrleansChat.Grains.Background;

namespace OrleansChat.Grains.Streaming;

/// <summary>
/// Puts this silo's room events on their streams (<see cref="ChatNames.StreamProvider"/>, namespace
/// <see cref="ChatNames.RoomEventsNamespace"/>, key = room id), off the path of the calls that
/// produced them: a room hands an event over in memory once the store holds it and answers its
/// caller at once. One relay per silo publishes for all its rooms: each round sends every waiting
/// room's next batch at the same time and what arrives meanwhile goes out in the next round, so
/// the cost per event falls as load rises and an idle silo publishes at once.
/// </summary>
/// <remarks>
/// At least once, in each room's order: a batch stays queued until the stream took it; a failed one
/// is tried again after a wait (0.25 s doubling up to 5 s), and the room's later events wait behind
/// it. Past <see cref="MaxQueued"/> waiting events the relay keeps messages by seq range only and
/// reads them back from the message store when their turn comes; other events (joins, edits, ...)
/// are then dropped and counted. Lost with the silo: what a room had not published yet; the room
/// republishes its stored messages after <see cref="Rooms.RoomState.PublishedSeq"/> when it
/// activates again.
/// </remarks>
public sealed partial class RoomEventRelay : IDisposable
{
    /// <summary>Waiting events past which messages are kept as store ranges instead of in memory.</summary>
    internal const int MaxQueued = 100_000;

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(5);

    private readonly Func<string, IReadOnlyList<RoomEvent>, Task> _publish;
    private readonly IMessageStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<RoomEventRelay> _logger;
    private readonly int _maxBatchBytes;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, RelayRoom> _rooms = new(StringComparer.Ordinal);
    private bool _running;
    private long _waiting;

    public RoomEventRelay(RoomStreams streams, IMessageStore store, TimeProvider time, IOptions<RoomEventRelayOptions> options, ILogger<RoomEventRelay> logger)
        : this(streams.PublishAsync, store, time, logger, options.Value.MaxBatchBytes)
    {
    }

    /// <summary>For tests: <paramref name="publish"/> stands in for the stream.</summary>
    internal RoomEventRelay(Func<string, IReadOnlyList<RoomEvent>, Task> publish, IMessageStore store, TimeProvider time, ILogger<RoomEventRelay> logger, int maxBatchBytes = int.MaxValue)
    {
        _publish = publish;
        _store = store;
        _time = time;
        _logger = logger;
        _maxBatchBytes = maxBatchBytes;
        RelayMetrics.Track(this);
    }

    /// <summary>Waiting events past which messages are kept by range (<see cref="MaxQueued"/>; tests lower it).</summary>
    internal long QueueLimit { get; init; } = MaxQueued;

    /// <summary>Events handed in and not yet on the stream (stored messages waiting by range included).</summary>
    public long Lag => Interlocked.Read(ref _waiting);

    /// <summary>Since when publishes have been failing, or null while the stream takes them.</summary>
    public DateTimeOffset? FailingSince { get; private set; }

    /// <summary>Queues a stored room event after everything the room handed in before; never waits.</summary>
    public void Post(RoomEvent roomEvent)
    {
        lock (_lock)
        {
            var room = RoomOf(roomEvent.RoomId);
            if (Lag >= QueueLimit)
            {
                if (roomEvent is MessageEvent { Message.Seq: var seq })
                {
                    room.AddRange(seq - 1, seq);
                }
                else
                {
                    RelayMetrics.Dropped.Add(1);
                    LogDropped(_logger, roomEvent.RoomId, roomEvent.GetType().Name);
                    return;
                }
            }
            else
            {
                room.Add(roomEvent);
            }

            Interlocked.Increment(ref _waiting);
            StartIfIdle();
        }
    }

    /// <summary>Queues the room's stored messages (<paramref name="afterSeq"/>, <paramref name="uptoSeq"/>], read from the store when their turn comes.</summary>
    public void Republish(string roomId, long afterSeq, long uptoSeq)
    {
        if (uptoSeq <= afterSeq)
        {
            return;
        }

        lock (_lock)
        {
            RoomOf(roomId).AddRange(afterSeq, uptoSeq);
            Interlocked.Add(ref _waiting, uptoSeq - afterSeq);
            StartIfIdle();
        }
    }

    /// <summary>The lowest message seq of the room still waiting for the stream, or null when none is.</summary>
    public long? FirstPendingSeq(string roomId)
    {
        lock (_lock)
        {
            return _rooms.TryGetValue(roomId, out var room) ? room.FirstPendingSeq : null;
        }
    }

    public void Dispose() => RelayMetrics.Untrack(this);

    private RelayRoom RoomOf(string roomId)
    {
        if (!_rooms.TryGetValue(roomId, out var room))
        {
            _rooms[roomId] = room = new RelayRoom(roomId, _maxBatchBytes);
        }

        return room;
    }

    private void StartIfIdle()
    {
        if (!_running)
        {
            _running = true;
            Task.Run(RunAsync).Forget(_logger, "The room event relay");
        }
    }

    /// <summary>Rounds until nothing waits: each publishes the next batch of every room that may go now.</summary>
    private async Task RunAsync()
    {
        try
        {
            await RunRoundsAsync();
        }
        catch (Exception ex)
        {
            // Not expected (publish failures are settled per room); the next Post starts over.
            LogRelayStopped(_logger, ex);
            lock (_lock)
            {
                _running = false;
            }
        }
    }

    private async Task RunRoundsAsync()
    {
        while (true)
        {
            List<(RelayRoom Room, RelayBatch Batch)> round;
            TimeSpan wait;
            lock (_lock)
            {
                var now = _time.GetUtcNow();
                round = _rooms.Values.Where(r => !r.IsEmpty && r.RetryAt <= now).Select(r => (r, r.TakeBatch())).ToList();
                if (round.Count == 0)
                {
                    if (_rooms.Count == 0)
                    {
                        _running = false;
                        return;
                    }

                    wait = _rooms.Values.Min(r => r.RetryAt) - now;
                }
                else
                {
                    wait = TimeSpan.Zero;
                }
            }

            if (round.Count == 0)
            {
                await Task.Delay(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, _time);
                continue;
            }

            var results = await Task.WhenAll(round.Select(r => PublishBatchAsync(r.Batch)));
            Settle(round, results);
        }
    }

    /// <summary>Publishes one room's batch; returns the highest message seq it carried, or the failure.</summary>
    private async Task<(long PublishedUpto, int Count, Exception? Error)> PublishBatchAsync(RelayBatch batch)
    {
        try
        {
            if (batch.Range is not { } range)
            {
                await RelayMetrics.TimedPublishAsync(_publish, batch.RoomId, batch.Events, batch.Trace);
                return (batch.Events.OfType<MessageEvent>().Select(m => m.Message.Seq).DefaultIfEmpty(0).Max(), batch.Events.Count, null);
            }

            var page = (int)Math.Min(range.Upto - range.After, RelayRoom.MaxBatch);
            var stored = await _store.GetAfterAsync(batch.RoomId, range.After, page);
            if (stored.Count == 0)
            {
                return (-1, 0, null);
            }

            var events = RelayRoom.Fit(stored.Select(m => new MessageEvent(batch.RoomId, m)), _maxBatchBytes);
            await RelayMetrics.TimedPublishAsync(_publish, batch.RoomId, events, default);
            return (((MessageEvent)events[^1]).Message.Seq, events.Count, null);
        }
        catch (Exception ex)
        {
            return (0, 0, ex);
        }
    }

    private void Settle(List<(RelayRoom Room, RelayBatch Batch)> round, (long PublishedUpto, int Count, Exception? Error)[] results)
    {
        var failed = 0;
        Exception? firstError = null;
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            for (var i = 0; i < round.Count; i++)
            {
                var (room, batch) = round[i];
                var (upto, count, error) = results[i];
                long done;
                if (error is not null)
                {
                    failed++;
                    firstError ??= error;
                    room.Failures++;
                    var backoff = FirstRetry * Math.Pow(2, Math.Min(room.Failures - 1, 5));
                    room.RetryAt = now + (backoff > MaxRetry ? MaxRetry : backoff);
                    continue;
                }

                room.Failures = 0;
                if (upto < 0)
                {
                    // The store holds nothing in the range: there is nothing to publish for it.
                    LogRangeMissing(_logger, room.RoomId, batch.Range!.After, batch.Range.Upto);
                    done = room.DropHead();
                }
                else
                {
                    done = room.Complete(batch, upto);
                    RelayMetrics.Published.Add(count);
                }

                Interlocked.Add(ref _waiting, -done);
                if (room.IsEmpty)
                {
                    _rooms.Remove(room.RoomId);
                }
            }

            FailingSince = failed == 0 ? null : FailingSince ?? now;
        }

        if (failed > 0)
        {
            RelayMetrics.Failures.Add(failed);
            LogPublishFailed(_logger, failed, Lag, firstError);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The room event relay stopped unexpectedly; it starts again with the next event")]
    private static partial void LogRelayStopped(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room event stream: {Failed} room batch(es) not published; retrying, {Lag} event(s) waiting")]
    private static partial void LogPublishFailed(ILogger logger, int failed, long lag, Exception? exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {RoomId}: the stream relay is full; a {EventType} was not published (stored messages never are dropped)")]
    private static partial void LogDropped(ILogger logger, string roomId, string eventType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {RoomId}: the message store holds nothing in ({After}, {Upto}] to republish")]
    private static partial void LogRangeMissing(ILogger logger, string roomId, long after, long upto);
}
