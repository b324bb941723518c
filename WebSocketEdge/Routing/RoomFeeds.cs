using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Orleans.Chat.Edge.Hubs;
using Orleans.Chat.Messages;
using Orleans.Chat.Nodes;
using Orleans.Chat.Rooms;

namespace Orleans.Chat.Edge.Routing;

/// <summary>
/// Turns room events into socket writes, in seq order per room. Work is split over a few shards by
/// room id; each shard runs one loop, so everything about one room (subscribing, filling gaps,
/// delivering) happens one step at a time without locks, while rooms on other shards go on.
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

    /// <summary>Starts the shard loops once this node's observer reference exists.</summary>
    public void Start(string nodeId, IChatNode node)
    {
        _nodeId = nodeId;
        _node = node;
        foreach (var shard in _shards)
        {
            shard.Start();
        }
    }

    public void Stop()
    {
        foreach (var shard in _shards)
        {
            shard.Work.Writer.TryComplete();
        }
    }

    public void Post(RoomEvent roomEvent) => ShardOf(roomEvent.RoomId).Work.Writer.TryWrite(new Work(WorkKind.Deliver, roomEvent.RoomId, roomEvent, null));

    /// <summary>Subscribes or unsubscribes the room to match local interest; <paramref name="force"/> subscribes again even if subscribed.</summary>
    public void Sync(string roomId, bool force = false) =>
        ShardOf(roomId).Work.Writer.TryWrite(new Work(force ? WorkKind.ForceSync : WorkKind.Sync, roomId, null, null));

    /// <summary>Like <see cref="Sync"/>, and completes once the room's subscription is in place.</summary>
    public Task SyncAsync(string roomId)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!ShardOf(roomId).Work.Writer.TryWrite(new Work(WorkKind.Sync, roomId, null, done)))
        {
            done.TrySetException(new InvalidOperationException("this node is stopping"));
        }

        return done.Task;
    }

    private Shard ShardOf(string roomId) => _shards[(int)((uint)StringComparer.Ordinal.GetHashCode(roomId) % (uint)_shards.Length)];

    private enum WorkKind
    {
        Deliver,
        Sync,
        ForceSync,
        GapCheck,
    }

    private readonly record struct Work(WorkKind Kind, string RoomId, RoomEvent? Event, TaskCompletionSource? Done);

    /// <summary>What this node has delivered of one room.</summary>
    private sealed class Feed(long lastSeq)
    {
        public bool Subscribed { get; set; } = true;

        public bool GapCheckScheduled { get; set; }

        public SeqOrder Order { get; } = new(lastSeq);
    }

    private sealed class Shard(RoomFeeds owner)
    {
        private readonly Dictionary<string, Feed> _feeds = new(StringComparer.Ordinal);

        public Channel<Work> Work { get; } = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });

        public void Start() => _ = Task.Run(RunAsync);

        private async Task RunAsync()
        {
            await foreach (var work in Work.Reader.ReadAllAsync())
            {
                try
                {
                    switch (work.Kind)
                    {
                        case WorkKind.Deliver when work.Event is { } roomEvent:
                            await DeliverAsync(roomEvent);
                            break;
                        case WorkKind.GapCheck:
                            await CheckGapAsync(work.RoomId);
                            break;
                        default:
                            await SyncAsync(work.RoomId, work.Kind == WorkKind.ForceSync);
                            break;
                    }

                    work.Done?.TrySetResult();
                }
                catch (Exception ex)
                {
                    // One room's failure (its grain unreachable mid-failover) must not stop the shard;
                    // the periodic resubscription retries it.
                    LogRoomWorkFailed(owner._logger, work.RoomId, ex);
                    work.Done?.TrySetException(ex);
                }
            }
        }

        private async Task SyncAsync(string roomId, bool force)
        {
            var wanted = owner._routes.HasLocalMembers(roomId);
            _feeds.TryGetValue(roomId, out var feed);
            var room = owner._grains.GetGrain<IRoomGrain>(roomId);
            if (wanted)
            {
                if (feed is { Subscribed: true } && !force)
                {
                    return;
                }

                var subscription = await room.Subscribe(owner._nodeId, owner._node!);
                if (feed is null)
                {
                    // New interest: what came before is the clients' to fetch with Resume or history.
                    _feeds[roomId] = new Feed(subscription.LastSeq);
                    return;
                }

                feed.Subscribed = true;
                if (subscription.LastSeq > feed.Order.LastDelivered)
                {
                    // The room reactivated (or a fan-out was lost): deliver what this node missed.
                    await FillGapAsync(room, roomId, feed, subscription.LastSeq);
                }

                return;
            }

            if (feed is not null)
            {
                _feeds.Remove(roomId);
                if (feed.Subscribed)
                {
                    await room.Unsubscribe(owner._nodeId);
                }
            }
        }

        private async Task DeliverAsync(RoomEvent roomEvent)
        {
            if (!_feeds.TryGetValue(roomEvent.RoomId, out var feed))
            {
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
                await CheckGapAsync(message.RoomId);
            }
            else if (!feed.GapCheckScheduled)
            {
                feed.GapCheckScheduled = true;
                var roomId = message.RoomId;
                _ = Task.Delay(GapWait).ContinueWith(_ => Work.Writer.TryWrite(new Work(WorkKind.GapCheck, roomId, null, null)), TaskScheduler.Default);
            }
        }

        /// <summary>Fetches whatever is still missing below the held-back messages from the room, then delivers in order.</summary>
        private async Task CheckGapAsync(string roomId)
        {
            if (!_feeds.TryGetValue(roomId, out var feed))
            {
                return;
            }

            feed.GapCheckScheduled = false;
            if (feed.Order.HasGap)
            {
                await FillGapAsync(owner._grains.GetGrain<IRoomGrain>(roomId), roomId, feed, feed.Order.HighestPending);
            }
        }

        private async Task FillGapAsync(IRoomGrain room, string roomId, Feed feed, long uptoSeq)
        {
            var missing = await room.GetRange(feed.Order.LastDelivered, uptoSeq);
            foreach (var message in missing)
            {
                owner.SendMessages(feed.Order.Offer(message));
            }

            LogGapFilled(owner._logger, roomId, missing.Count);
            if (feed.Order.HasGap && (feed.Order.PendingCount > MaxPending || missing.Count == 0))
            {
                // The store has nothing more for the hole: continue after it rather than hold the room back.
                LogGapAbandoned(owner._logger, roomId, feed.Order.LastDelivered);
                owner.SendMessages(feed.Order.SkipGap());
            }
        }
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
            _ => Task.CompletedTask,
        };
        Observe(send);
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
    private static partial void LogRoomWorkFailed(ILogger logger, string roomId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {RoomId}: gap after seq {LastDelivered} not filled; skipping it (clients fill it with Resume)")]
    private static partial void LogGapAbandoned(ILogger logger, string roomId, long lastDelivered);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Room {RoomId}: filled a gap with {Count} messages from the room")]
    private static partial void LogGapFilled(ILogger logger, string roomId, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A socket write failed")]
    private static partial void LogSendFailed(ILogger logger, Exception? exception);
}
