using OrleansChat.Edge.Routing.Feeds;
using OrleansChat.Messages;
using OrleansChat.Nodes;
using OrleansChat.Rooms;
using OrleansChat.Grains.Background;

namespace OrleansChat.Edge.Routing;

/// <summary>
/// This node's feeds of the rooms its connections are in: one <see cref="RoomFeed"/> per room,
/// kept while a local connection is in the room. Room events go to the room's feed, which writes
/// them in seq order through the <see cref="RoomSocketWriter"/>; the feeds' requests (subscribe,
/// fetch a missing range, check a gap later) become grain calls and timers here, and their answers
/// come back as steps of the <see cref="FeedScheduler"/>.
/// </summary>
public sealed partial class RoomFeeds : IFeedOutput
{
    /// <summary>
    /// Grain-to-node calls are not ordered, so a later seq often overtakes an earlier one by a few
    /// microseconds. A gap is only fetched from the room if it is still open after this long.
    /// </summary>
    public static readonly TimeSpan GapWait = TimeSpan.FromMilliseconds(250);

    private readonly IGrainFactory _grains;
    private readonly RoomSocketWriter _writer;
    private readonly LocalRoutes _routes;
    private readonly ILogger<RoomFeeds> _logger;
    private readonly FeedScheduler _scheduler;

    /// <summary>The feeds of each shard; touched only in steps of that shard.</summary>
    private readonly Dictionary<string, RoomFeed>[] _feeds;
    private volatile bool _running;
    private string _nodeId = "";
    private IChatNode? _node;

    public RoomFeeds(IGrainFactory grains, RoomSocketWriter writer, LocalRoutes routes, TimeProvider time, ILogger<RoomFeeds> logger)
    {
        _grains = grains;
        _writer = writer;
        _routes = routes;
        _logger = logger;
        _scheduler = new FeedScheduler(time, Math.Max(4, Environment.ProcessorCount * 2), (roomId, ex) => LogRoomWorkFailed(logger, roomId, ex));
        _feeds = new Dictionary<string, RoomFeed>[_scheduler.ShardCount];
        for (var i = 0; i < _feeds.Length; i++)
        {
            _feeds[i] = new Dictionary<string, RoomFeed>(StringComparer.Ordinal);
        }
    }

    /// <summary>Starts taking work once this node's observer reference exists.</summary>
    public void Start(string nodeId, IChatNode node)
    {
        _nodeId = nodeId;
        _node = node;
        _running = true;
    }

    public void Stop() => _running = false;

    /// <summary>Delivers the event to this node's connections now, on the calling thread (never blocks on a grain).</summary>
    public void Post(RoomEvent roomEvent)
    {
        if (_running)
        {
            _scheduler.Run(roomEvent.RoomId, shard => _feeds[shard].GetValueOrDefault(roomEvent.RoomId)?.Offer(roomEvent));
        }
    }

    /// <summary>Subscribes or unsubscribes the room to match local interest; <paramref name="force"/> subscribes again even if subscribed.</summary>
    public void Sync(string roomId, bool force = false) => Run(roomId, null, shard => Sync(shard, roomId, force, null, null));

    /// <summary>
    /// Like <see cref="Sync"/>, and completes once the room's subscription is in place. If this node
    /// had no feed of the room yet, <paramref name="deliverAfter"/> (the seq a local user joined at)
    /// makes the new feed start there: messages stored between that join and the subscribe are
    /// fetched from the room and delivered, not left for the clients to discover.
    /// </summary>
    public Task SyncAsync(string roomId, long? deliverAfter = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Run(roomId, done, shard => Sync(shard, roomId, false, done, deliverAfter));
        return done.Task;
    }

    /// <summary>
    /// The highest seq of the room this node has delivered, if it follows the room live (it does for
    /// every room of a user connected here); null otherwise. Lets the node answer a room list
    /// without asking each room.
    /// </summary>
    public long? KnownLastSeq(string roomId)
    {
        long? known = null;
        _scheduler.Run(roomId, shard => known = _feeds[shard].GetValueOrDefault(roomId) is { State: not FeedState.Subscribing } feed ? feed.LastDelivered : null);
        return known;
    }

    /// <summary>Which shard holds the room (tests pick rooms that share one).</summary>
    internal int ShardIndexOf(string roomId) => _scheduler.ShardOf(roomId);

    void IFeedOutput.Write(IReadOnlyList<ChatMessage> messages) => _writer.Write(messages);

    void IFeedOutput.Write(RoomEvent roomEvent) => _writer.Write(roomEvent);

    void IFeedOutput.Fetch(RoomFeed feed, long afterSeq, long uptoSeq) =>
        _scheduler.RunWhenAnswered(feed.RoomId, _grains.GetGrain<IRoomGrain>(feed.RoomId).GetRange(afterSeq, uptoSeq), (shard, answered) =>
        {
            if (!IsCurrent(shard, feed))
            {
                return;
            }

            if (answered.IsCompletedSuccessfully)
            {
                feed.OnRange(answered.Result);
            }
            else
            {
                // The room is unreachable (failover); the periodic resubscription tries again.
                LogRoomWorkFailed(_logger, feed.RoomId, answered.Exception?.GetBaseException());
                feed.OnRangeFailed();
            }
        });

    void IFeedOutput.CheckGapLater(RoomFeed feed) =>
        _scheduler.RunAfter(GapWait, feed.RoomId, shard =>
        {
            if (_running && IsCurrent(shard, feed))
            {
                feed.CheckGap();
            }
        });

    /// <summary>One step about a room; a failure is logged and handed to <paramref name="done"/>, never thrown at the caller.</summary>
    private void Run(string roomId, TaskCompletionSource? done, Action<int> step)
    {
        if (!_running)
        {
            done?.TrySetException(new InvalidOperationException("this node is stopping"));
            return;
        }

        if (_scheduler.Run(roomId, step) is { } failure)
        {
            done?.TrySetException(failure);
        }
    }

    private bool IsCurrent(int shard, RoomFeed feed) => ReferenceEquals(_feeds[shard].GetValueOrDefault(feed.RoomId), feed);

    private void Sync(int shard, string roomId, bool force, TaskCompletionSource? done, long? deliverAfter)
    {
        var feeds = _feeds[shard];
        var feed = feeds.GetValueOrDefault(roomId);
        if (!_routes.HasLocalMembers(roomId))
        {
            if (feed is not null)
            {
                feeds.Remove(roomId);
                if (feed.Close())
                {
                    Observe(roomId, _grains.GetGrain<IRoomGrain>(roomId).Unsubscribe(_nodeId));
                }
            }

            done?.TrySetResult();
            return;
        }

        if (feed is null)
        {
            feeds[roomId] = feed = new RoomFeed(roomId, this, _logger);
        }

        if (feed.RequestSubscribe(force, done, deliverAfter))
        {
            _scheduler.RunWhenAnswered(roomId, _grains.GetGrain<IRoomGrain>(roomId).Subscribe(_nodeId, _node!), (s, answered) => OnSubscribed(s, feed, answered));
        }
    }

    private void OnSubscribed(int shard, RoomFeed feed, Task<RoomSubscription> answered)
    {
        var roomId = feed.RoomId;
        if (!IsCurrent(shard, feed))
        {
            // Local interest ended while the subscribe was in flight: take it back unless a newer feed wants the room.
            if (answered.IsCompletedSuccessfully && !_feeds[shard].ContainsKey(roomId))
            {
                Observe(roomId, _grains.GetGrain<IRoomGrain>(roomId).Unsubscribe(_nodeId));
            }

            return;
        }

        if (answered.IsCompletedSuccessfully)
        {
            feed.OnSubscribed(answered.Result.LastSeq);
            return;
        }

        var error = answered.Exception?.GetBaseException() ?? new TaskCanceledException("the subscribe was cancelled");
        LogRoomWorkFailed(_logger, roomId, error);
        if (feed.OnSubscribeFailed(error))
        {
            _feeds[shard].Remove(roomId);
        }
    }

    private void Observe(string roomId, Task call) => call.Forget(ex => LogRoomWorkFailed(_logger, roomId, ex));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {RoomId}: routing work failed; the next resubscription retries it")]
    private static partial void LogRoomWorkFailed(ILogger logger, string roomId, Exception? exception);
}
