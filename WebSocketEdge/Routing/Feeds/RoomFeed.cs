using OrleansChat.Messages;

namespace OrleansChat.Edge.Routing.Feeds;

/// <summary>
/// What this node has delivered of one room, as a state machine (<see cref="FeedState"/>): it
/// turns the room's events, which reach the node in any order and sometimes twice, into writes in
/// seq order, each message once. It only decides; <see cref="IFeedOutput"/> does the subscribing,
/// fetching, timing and writing. Not thread-safe: <see cref="RoomFeeds"/> runs every step of a room
/// under its shard's lock.
/// </summary>
public sealed partial class RoomFeed(string roomId, IFeedOutput output, ILogger logger)
{
    /// <summary>Messages held back before the first subscribe or behind a gap; past this the gap is given up (clients still have Resume).</summary>
    public const int MaxPending = 1000;

    private SeqOrder? _order;
    private List<RoomEvent>? _early;
    private List<TaskCompletionSource>? _waiters;
    private long? _startAfter;
    private long _fillingUpto;
    private bool _subscribeInFlight;
    private bool _gapCheckDue;

    public string RoomId { get; } = roomId;

    public FeedState State { get; private set; } = FeedState.Subscribing;

    /// <summary>The highest seq written, once the first subscribe answered.</summary>
    public long? LastDelivered => _order?.LastDelivered;

    /// <summary>
    /// Local interest in the room: returns true when the caller must send a subscribe now. A feed
    /// that is live needs none unless <paramref name="force"/> (the room may have restarted);
    /// one in flight answers for every request. <paramref name="waiter"/> completes with that answer.
    /// <paramref name="deliverAfter"/>, before the first answer, is a local user's join seq: the feed
    /// then starts there rather than at the room's last seq.
    /// </summary>
    public bool RequestSubscribe(bool force, TaskCompletionSource? waiter, long? deliverAfter)
    {
        if (State != FeedState.Subscribing && !force)
        {
            waiter?.TrySetResult();
            return false;
        }

        if (deliverAfter is { } after && _order is null)
        {
            _startAfter = Math.Min(_startAfter ?? after, after);
        }

        if (waiter is not null)
        {
            (_waiters ??= []).Add(waiter);
        }

        if (_subscribeInFlight)
        {
            return false;
        }

        _subscribeInFlight = true;
        return true;
    }

    /// <summary>
    /// Local interest ended. Returns true when the caller must unsubscribe now; with a subscribe in
    /// flight its answer is the moment to take it back.
    /// </summary>
    public bool Close()
    {
        CompleteWaiters(null);
        return State != FeedState.Subscribing && !_subscribeInFlight;
    }

    public void OnSubscribed(long lastSeq)
    {
        _subscribeInFlight = false;
        if (_order is null)
        {
            // New interest: what came before the local users joined is the clients' to fetch with
            // Resume or history; what came after a join this node routes late is fetched here.
            var start = Math.Min(_startAfter ?? lastSeq, lastSeq);
            _order = new SeqOrder(start);
            _startAfter = null;
            State = FeedState.Live;
            if (start < lastSeq)
            {
                Fill(lastSeq);
            }

            var early = _early;
            _early = null;
            foreach (var roomEvent in early ?? [])
            {
                Offer(roomEvent);
            }
        }
        else if (lastSeq > _order.LastDelivered)
        {
            // The room reactivated (or a fan-out was lost): deliver what this node missed.
            Fill(lastSeq);
        }

        CompleteWaiters(null);
    }

    /// <summary>Returns true when the feed never subscribed and should be forgotten, so that the next sync starts over.</summary>
    public bool OnSubscribeFailed(Exception error)
    {
        _subscribeInFlight = false;
        CompleteWaiters(error);
        return _order is null;
    }

    /// <summary>An event from the room (fan-out or the answer of a send): written now, held back, or dropped as a repeat.</summary>
    public void Offer(RoomEvent roomEvent)
    {
        if (_order is null)
        {
            // Arrived before the subscribe answered; bounded like a gap (clients still have Resume).
            _early ??= [];
            if (_early.Count < MaxPending)
            {
                _early.Add(roomEvent);
            }

            return;
        }

        if (roomEvent is not MessageEvent { Message: var message })
        {
            output.Write(roomEvent);
            return;
        }

        output.Write(_order.Offer(message));
        if (!_order.HasGap)
        {
            return;
        }

        if (_order.PendingCount > MaxPending)
        {
            CheckGap();
        }
        else if (!_gapCheckDue)
        {
            _gapCheckDue = true;
            output.CheckGapLater(this);
        }
    }

    /// <summary>The wait for overtaken messages is over: fetch whatever is still missing below the held-back ones.</summary>
    public void CheckGap()
    {
        _gapCheckDue = false;
        if (_order is { HasGap: true })
        {
            Fill(_order.HighestPending);
        }
    }

    /// <summary>The fetch's answer: writes what closes the gap, and gives the gap up if the room has nothing for it.</summary>
    public void OnRange(IReadOnlyList<ChatMessage> missing)
    {
        if (_order is null || State != FeedState.FillingGap)
        {
            return;
        }

        State = FeedState.Live;
        foreach (var message in missing)
        {
            output.Write(_order.Offer(message));
        }

        LogGapFilled(logger, RoomId, missing.Count);
        var holeStillOpen = _order.HasGap && _order.LastDelivered < _fillingUpto;
        if (holeStillOpen && (_order.PendingCount > MaxPending || missing.Count == 0))
        {
            // The store has nothing more for the hole: continue after it rather than hold the room back.
            LogGapAbandoned(logger, RoomId, _order.LastDelivered);
            output.Write(_order.SkipGap());
        }
        else if (_order.HasGap && !_gapCheckDue)
        {
            // Messages that overtook others while the fetch was out: give them their own wait.
            _gapCheckDue = true;
            output.CheckGapLater(this);
        }
    }

    /// <summary>The room did not answer the fetch (failover); the periodic resubscription tries again.</summary>
    public void OnRangeFailed()
    {
        if (State == FeedState.FillingGap)
        {
            State = FeedState.Live;
        }
    }

    private void Fill(long uptoSeq)
    {
        if (State == FeedState.FillingGap)
        {
            // One fetch per room at a time; what it does not cover, the next gap check asks for.
            return;
        }

        State = FeedState.FillingGap;
        _fillingUpto = uptoSeq;
        output.Fetch(this, _order!.LastDelivered, uptoSeq);
    }

    private void CompleteWaiters(Exception? error)
    {
        foreach (var waiter in _waiters ?? [])
        {
            if (error is null)
            {
                waiter.TrySetResult();
            }
            else
            {
                waiter.TrySetException(error);
            }
        }

        _waiters = null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {RoomId}: gap after seq {LastDelivered} not filled; skipping it (clients fill it with Resume)")]
    private static partial void LogGapAbandoned(ILogger logger, string roomId, long lastDelivered);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Room {RoomId}: filled a gap with {Count} messages from the room")]
    private static partial void LogGapFilled(ILogger logger, string roomId, int count);
}
