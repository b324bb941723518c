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

    public void Post(RoomEvent roomEvent) => ShardOf(roomEvent.RoomId).Work.Writer.TryWrite(new Work(roomEvent.RoomId, roomEvent, false, null));

    /// <summary>Subscribes or unsubscribes the room to match local interest; <paramref name="force"/> subscribes again even if subscribed.</summary>
    public void Sync(string roomId, bool force = false) => ShardOf(roomId).Work.Writer.TryWrite(new Work(roomId, null, force, null));

    /// <summary>Like <see cref="Sync"/>, and completes once the room's subscription is in place.</summary>
    public Task SyncAsync(string roomId)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!ShardOf(roomId).Work.Writer.TryWrite(new Work(roomId, null, false, done)))
        {
            done.TrySetException(new InvalidOperationException("this node is stopping"));
        }

        return done.Task;
    }

    private Shard ShardOf(string roomId) => _shards[(int)((uint)StringComparer.Ordinal.GetHashCode(roomId) % (uint)_shards.Length)];

    private readonly record struct Work(string RoomId, RoomEvent? Event, bool Force, TaskCompletionSource? Done);

    /// <summary>What this node has delivered of one room.</summary>
    private sealed class Feed
    {
        public bool Subscribed { get; set; }

        public long LastDelivered { get; set; }

        public SortedList<long, ChatMessage> Pending { get; } = [];
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
                    if (work.Event is { } roomEvent)
                    {
                        await DeliverAsync(roomEvent);
                    }
                    else
                    {
                        await SyncAsync(work.RoomId, work.Force);
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
                    _feeds[roomId] = new Feed { Subscribed = true, LastDelivered = subscription.LastSeq };
                    return;
                }

                feed.Subscribed = true;
                if (subscription.LastSeq > feed.LastDelivered)
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

            if (message.Seq <= feed.LastDelivered)
            {
                return;
            }

            if (message.Seq > feed.LastDelivered + 1)
            {
                feed.Pending[message.Seq] = message;
                await FillGapAsync(owner._grains.GetGrain<IRoomGrain>(message.RoomId), message.RoomId, feed, message.Seq - 1);
                return;
            }

            owner.SendMessage(message);
            feed.LastDelivered = message.Seq;
            DrainPending(feed);
        }

        private async Task FillGapAsync(IRoomGrain room, string roomId, Feed feed, long uptoSeq)
        {
            var missing = await room.GetRange(feed.LastDelivered, uptoSeq);
            foreach (var message in missing)
            {
                if (message.Seq == feed.LastDelivered + 1)
                {
                    owner.SendMessage(message);
                    feed.LastDelivered = message.Seq;
                }
            }

            DrainPending(feed);
            if (feed.Pending.Count > MaxPending)
            {
                LogGapAbandoned(owner._logger, roomId, feed.LastDelivered, feed.Pending.Keys[0]);
                feed.LastDelivered = feed.Pending.Keys[0] - 1;
                DrainPending(feed);
            }
        }

        private void DrainPending(Feed feed)
        {
            while (feed.Pending.Count > 0 && feed.Pending.Keys[0] <= feed.LastDelivered + 1)
            {
                var next = feed.Pending.Values[0];
                feed.Pending.RemoveAt(0);
                if (next.Seq == feed.LastDelivered + 1)
                {
                    owner.SendMessage(next);
                    feed.LastDelivered = next.Seq;
                }
            }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {RoomId}: gap after seq {LastDelivered} not filled; continuing at {NextSeq} (clients fill it with Resume)")]
    private static partial void LogGapAbandoned(ILogger logger, string roomId, long lastDelivered, long nextSeq);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A socket write failed")]
    private static partial void LogSendFailed(ILogger logger, Exception? exception);
}
