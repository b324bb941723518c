using Microsoft.AspNetCore.SignalR;
using OrleansChat.Edge.Hubs;
using OrleansChat.Messages;
using OrleansChat.Nodes;
using OrleansChat.Rooms;

namespace OrleansChat.Edge.Routing;

/// <summary>
/// Turns room events into socket writes, in seq order per room. Rooms are split over a few shards
/// by room id; each step about a room (subscribing, filling gaps, delivering) runs under its
/// shard's lock on the thread that brought it, so one room's state needs no other locking and an
/// event is written to the sockets without another thread hand-off. No step ever waits on a grain:
/// a subscribe or gap fill is started, and its answer is handled as a later step, so one slow room
/// (or a burst of new rooms in a reconnect storm) does not hold up the other rooms of its shard.
/// </summary>
public sealed partial class RoomFeeds
{
    /// <summary>Messages held back waiting for a gap to fill; past this the gap is given up (clients still have Resume).</summary>
    private const int MaxPending = 1000;

    /// <summary>
    /// Grain-to-node calls are not ordered, so a later seq often overtakes an earlier one by a few
    /// microseconds. A gap is only fetched from the room if it is still open after this long.
    /// </summary>
    private static readonly TimeSpan GapWait = TimeSpan.FromMilliseconds(250);

    private readonly Shard[] _shards;
    private readonly IGrainFactory _grains;
    private readonly IHubContext<ChatHub> _hub;
    private readonly LocalRoutes _routes;
    private readonly ILogger<RoomFeeds> _logger;
    private string _nodeId = "";
    private IChatNode? _node;

    public RoomFeeds(IGrainFactory grains, IHubContext<ChatHub> hub, LocalRoutes routes, ILogger<RoomFeeds> logger)
    {
        _grains = grains;
        _hub = hub;
        _routes = routes;
        _logger = logger;
        _shards = new Shard[Math.Max(4, Environment.ProcessorCount * 2)];
        for (var i = 0; i < _shards.Length; i++)
        {
            _shards[i] = new Shard(this);
        }
    }

    private volatile bool _running;

    /// <summary>Starts taking work once this node's observer reference exists.</summary>
    public void Start(string nodeId, IChatNode node)
    {
        _nodeId = nodeId;
        _node = node;
        _running = true;
    }

    public void Stop() => _running = false;

    /// <summary>Delivers the event to this node's connections now, on the calling thread (never blocks on a grain).</summary>
    public void Post(RoomEvent roomEvent) => Run(roomEvent.RoomId, null, shard => shard.Deliver(roomEvent));

    /// <summary>Subscribes or unsubscribes the room to match local interest; <paramref name="force"/> subscribes again even if subscribed.</summary>
    public void Sync(string roomId, bool force = false) => Run(roomId, null, shard => shard.Sync(roomId, force, null));

    /// <summary>
    /// Like <see cref="Sync"/>, and completes once the room's subscription is in place. If this node
    /// had no feed of the room yet, <paramref name="deliverAfter"/> (the seq a local user joined at)
    /// makes the new feed start there: messages stored between that join and the subscribe are
    /// fetched from the room and delivered, not left for the clients to discover.
    /// </summary>
    public Task SyncAsync(string roomId, long? deliverAfter = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Run(roomId, done, shard => shard.Sync(roomId, false, done, deliverAfter));
        return done.Task;
    }

    /// <summary>One step about a room, under its shard's lock; a failure is logged and handed to <paramref name="done"/>, never thrown at the caller.</summary>
    private void Run(string roomId, TaskCompletionSource? done, Action<Shard> step)
    {
        if (!_running)
        {
            done?.TrySetException(new InvalidOperationException("this node is stopping"));
            return;
        }

        var shard = ShardOf(roomId);
        try
        {
            lock (shard.Gate)
            {
                step(shard);
            }
        }
        catch (Exception ex)
        {
            // One room's failure (its grain unreachable mid-failover) must not reach the caller; the periodic resubscription retries it.
            LogRoomWorkFailed(_logger, roomId, ex);
            done?.TrySetException(ex);
        }
    }

    /// <summary>Which shard holds the room (tests pick rooms that share one).</summary>
    internal int ShardIndexOf(string roomId) => (int)((uint)StringComparer.Ordinal.GetHashCode(roomId) % (uint)_shards.Length);

    private Shard ShardOf(string roomId) => _shards[ShardIndexOf(roomId)];

    /// <summary>What this node has delivered of one room.</summary>
    private sealed class Feed
    {
        /// <summary>Null until the first subscribe answers with the room's last seq; events meanwhile wait in <see cref="Early"/>.</summary>
        public SeqOrder? Order { get; set; }

        public List<RoomEvent>? Early { get; set; }

        public bool Subscribed { get; set; }

        public bool Subscribing { get; set; }

        /// <summary>Callers of <see cref="SyncAsync"/> waiting for the subscribe in flight.</summary>
        public List<TaskCompletionSource>? Waiters { get; set; }

        public bool GapCheckScheduled { get; set; }

        public bool Filling { get; set; }

        /// <summary>Until the first subscribe answers: the earliest join seq of a local user, where the feed starts if it is below the room's last seq.</summary>
        public long? StartAfter { get; set; }
    }

    private sealed class Shard(RoomFeeds owner)
    {
        private readonly Dictionary<string, Feed> _feeds = new(StringComparer.Ordinal);

        /// <summary>Held for every step about the shard's rooms; steps are short and never wait on a grain.</summary>
        public Lock Gate { get; } = new();

        /// <summary>
        /// Runs <paramref name="then"/> as a step of this room once <paramref name="call"/> has answered
        /// (or failed): on the thread that completes the call, or on the thread pool if it already has.
        /// Callers make this their last statement, so even a step run at once finds the room consistent.
        /// </summary>
        private void OnAnswer<T>(string roomId, Task<T> call, Action<Task<T>> then) =>
            call.ContinueWith(
                answered => owner.Run(roomId, null, _ => then(answered)),
                CancellationToken.None,
                call.IsCompleted ? TaskContinuationOptions.None : TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);

        private void ScheduleGapCheck(Feed feed, string roomId)
        {
            feed.GapCheckScheduled = true;
            _ = Task.Delay(GapWait).ContinueWith(_ => owner.Run(roomId, null, shard => shard.CheckGap(roomId)), TaskScheduler.Default);
        }

        public void Sync(string roomId, bool force, TaskCompletionSource? done, long? deliverAfter = null)
        {
            var wanted = owner._routes.HasLocalMembers(roomId);
            _feeds.TryGetValue(roomId, out var feed);
            if (!wanted)
            {
                if (feed is not null)
                {
                    _feeds.Remove(roomId);
                    CompleteWaiters(feed, null);
                    if (feed.Subscribed && !feed.Subscribing)
                    {
                        Observe(roomId, owner._grains.GetGrain<IRoomGrain>(roomId).Unsubscribe(owner._nodeId));
                    }
                }

                done?.TrySetResult();
                return;
            }

            if (feed is { Subscribed: true } && !force)
            {
                done?.TrySetResult();
                return;
            }

            if (feed is null)
            {
                _feeds[roomId] = feed = new Feed();
            }

            if (deliverAfter is { } after && feed.Order is null)
            {
                feed.StartAfter = Math.Min(feed.StartAfter ?? after, after);
            }

            if (done is not null)
            {
                (feed.Waiters ??= []).Add(done);
            }

            if (feed.Subscribing)
            {
                // The subscribe in flight answers for this request too.
                return;
            }

            feed.Subscribing = true;
            OnAnswer(roomId, owner._grains.GetGrain<IRoomGrain>(roomId).Subscribe(owner._nodeId, owner._node!), answered => OnSubscribed(roomId, feed, answered));
        }

        private void OnSubscribed(string roomId, Feed feed, Task<RoomSubscription> answered)
        {
            feed.Subscribing = false;
            if (!ReferenceEquals(_feeds.GetValueOrDefault(roomId), feed))
            {
                // Local interest ended while the subscribe was in flight: take it back unless a newer feed wants the room.
                if (answered.IsCompletedSuccessfully && !_feeds.ContainsKey(roomId))
                {
                    Observe(roomId, owner._grains.GetGrain<IRoomGrain>(roomId).Unsubscribe(owner._nodeId));
                }

                return;
            }

            if (!answered.IsCompletedSuccessfully)
            {
                var error = answered.Exception?.GetBaseException() ?? new TaskCanceledException("the subscribe was cancelled");
                LogRoomWorkFailed(owner._logger, roomId, error);
                if (feed.Order is null)
                {
                    // Never subscribed: forget the feed, so the next sync starts over.
                    _feeds.Remove(roomId);
                }

                CompleteWaiters(feed, error);
                return;
            }

            var lastSeq = answered.Result.LastSeq;
            feed.Subscribed = true;
            if (feed.Order is null)
            {
                // New interest: what came before the local users joined is the clients' to fetch with
                // Resume or history; what came after a join this node routes late is fetched here.
                var start = Math.Min(feed.StartAfter ?? lastSeq, lastSeq);
                feed.Order = new SeqOrder(start);
                feed.StartAfter = null;
                if (start < lastSeq)
                {
                    FillGap(roomId, feed, lastSeq);
                }

                var early = feed.Early;
                feed.Early = null;
                foreach (var roomEvent in early ?? [])
                {
                    Deliver(roomEvent);
                }
            }
            else if (lastSeq > feed.Order.LastDelivered)
            {
                // The room reactivated (or a fan-out was lost): deliver what this node missed.
                FillGap(roomId, feed, lastSeq);
            }

            CompleteWaiters(feed, null);
        }

        private static void CompleteWaiters(Feed feed, Exception? error)
        {
            foreach (var waiter in feed.Waiters ?? [])
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

            feed.Waiters = null;
        }

        public void Deliver(RoomEvent roomEvent)
        {
            if (!_feeds.TryGetValue(roomEvent.RoomId, out var feed))
            {
                return;
            }

            if (feed.Order is null)
            {
                // Arrived before the subscribe answered; bounded like a gap (clients still have Resume).
                feed.Early ??= [];
                if (feed.Early.Count < MaxPending)
                {
                    feed.Early.Add(roomEvent);
                }

                return;
            }

            if (roomEvent is not MessageEvent { Message: var message })
            {
                owner.Send(roomEvent);
                return;
            }

            owner.SendMessages(feed.Order.Offer(message));
            if (!feed.Order.HasGap)
            {
                return;
            }

            if (feed.Order.PendingCount > MaxPending)
            {
                CheckGap(message.RoomId);
            }
            else if (!feed.GapCheckScheduled)
            {
                ScheduleGapCheck(feed, message.RoomId);
            }
        }

        /// <summary>Fetches whatever is still missing below the held-back messages from the room, then delivers in order.</summary>
        public void CheckGap(string roomId)
        {
            if (!_feeds.TryGetValue(roomId, out var feed))
            {
                return;
            }

            feed.GapCheckScheduled = false;
            if (feed.Order is { HasGap: true })
            {
                FillGap(roomId, feed, feed.Order.HighestPending);
            }
        }

        private void FillGap(string roomId, Feed feed, long uptoSeq)
        {
            if (feed.Filling)
            {
                // One fetch per room at a time; what it does not cover, the next gap check asks for.
                return;
            }

            feed.Filling = true;
            var room = owner._grains.GetGrain<IRoomGrain>(roomId);
            OnAnswer(roomId, room.GetRange(feed.Order!.LastDelivered, uptoSeq), answered =>
            {
                feed.Filling = false;
                if (!ReferenceEquals(_feeds.GetValueOrDefault(roomId), feed) || feed.Order is null)
                {
                    return;
                }

                if (!answered.IsCompletedSuccessfully)
                {
                    // The room is unreachable (failover); the periodic resubscription tries again.
                    LogRoomWorkFailed(owner._logger, roomId, answered.Exception?.GetBaseException());
                    return;
                }

                var missing = answered.Result;
                foreach (var message in missing)
                {
                    owner.SendMessages(feed.Order.Offer(message));
                }

                LogGapFilled(owner._logger, roomId, missing.Count);
                var holeStillOpen = feed.Order.HasGap && feed.Order.LastDelivered < uptoSeq;
                if (holeStillOpen && (feed.Order.PendingCount > MaxPending || missing.Count == 0))
                {
                    // The store has nothing more for the hole: continue after it rather than hold the room back.
                    LogGapAbandoned(owner._logger, roomId, feed.Order.LastDelivered);
                    owner.SendMessages(feed.Order.SkipGap());
                }
                else if (feed.Order.HasGap && !feed.GapCheckScheduled)
                {
                    // Messages that overtook others while the fetch was out: give them their own wait.
                    ScheduleGapCheck(feed, roomId);
                }
            });
        }

        private void Observe(string roomId, Task call) =>
            call.ContinueWith(t => LogRoomWorkFailed(owner._logger, roomId, t.Exception?.GetBaseException()), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void SendMessages(IReadOnlyList<ChatMessage> messages)
    {
        foreach (var message in messages)
        {
            SendMessage(message);
        }
    }

    private void SendMessage(ChatMessage message) =>
        Observe(_hub.Clients.Group(HubNames.RoomGroup(message.RoomId)).SendAsync(HubNames.Message, message));

    private void Send(RoomEvent roomEvent)
    {
        var group = HubNames.RoomGroup(roomEvent.RoomId);
        var send = roomEvent switch
        {
            MemberEvent m => _hub.Clients.Group(group).SendAsync(m.Joined ? HubNames.MemberJoined : HubNames.MemberLeft, new MemberPayload(m.RoomId, m.UserId)),
            TypingEvent t => _hub.Clients.GroupExcept(group, _routes.ConnectionsOf(t.UserId)).SendAsync(HubNames.Typing, t),
            ReadEvent r => _hub.Clients.GroupExcept(group, _routes.ConnectionsOf(r.UserId)).SendAsync(HubNames.Read, r),
            MessageEditedEvent e => _hub.Clients.Group(group).SendAsync(HubNames.MessageEdited, e),
            MessageDeletedEvent d => _hub.Clients.Group(group).SendAsync(HubNames.MessageDeleted, d),
            ModerationEvent m => SendModeration(group, m),
            _ => Task.CompletedTask,
        };
        Observe(send);
    }

    private Task SendModeration(string group, ModerationEvent action)
    {
        var (name, payload) = ModerationWire.ToClient(action);
        return ModerationWire.RemovedUser(action) is { } removed
            ? _hub.Clients.GroupExcept(group, _routes.ConnectionsOf(removed)).SendAsync(name, payload)
            : _hub.Clients.Group(group).SendAsync(name, payload);
    }

    /// <summary>
    /// Socket writes are not awaited: one slow client must not hold up a shard. SignalR queues the
    /// write per connection in call order, so per-room order holds for each connection.
    /// </summary>
    private void Observe(Task send)
    {
        if (!send.IsCompletedSuccessfully)
        {
            send.ContinueWith(t => LogSendFailed(_logger, t.Exception), TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {RoomId}: routing work failed; the next resubscription retries it")]
    private static partial void LogRoomWorkFailed(ILogger logger, string roomId, Exception? exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {RoomId}: gap after seq {LastDelivered} not filled; skipping it (clients fill it with Resume)")]
    private static partial void LogGapAbandoned(ILogger logger, string roomId, long lastDelivered);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Room {RoomId}: filled a gap with {Count} messages from the room")]
    private static partial void LogGapFilled(ILogger logger, string roomId, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A socket write failed")]
    private static partial void LogSendFailed(ILogger logger, Exception? exception);
}
