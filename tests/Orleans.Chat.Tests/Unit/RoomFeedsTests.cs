using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansChat.Edge.Hubs;
using OrleansChat.Edge.Routing;
using OrleansChat.Edge.Routing.Feeds;
using OrleansChat.Messages;
using OrleansChat.Rooms;
using OrleansChat.Tests.Grains;
using OrleansChat.Tests.Infrastructure;
using OrleansChat.Users;

namespace OrleansChat.Tests.Unit;

/// <summary>The node's per-room feeds against stand-in rooms whose answers the test controls.</summary>
public sealed class RoomFeedsTests
{
    [Fact]
    public async Task A_room_whose_subscribe_has_not_answered_does_not_hold_up_another_room_of_the_same_shard()
    {
        var rig = new Rig();
        var slowRoom = TestIds.Room("slow");
        var busyRoom = rig.RoomOnSameShardAs(slowRoom);
        rig.ConnectLocalUserTo(slowRoom, busyRoom);

        var slowSubscribed = rig.Feeds.SyncAsync(slowRoom);
        rig.Rooms.Answer(busyRoom, lastSeq: 5);
        await rig.Feeds.SyncAsync(busyRoom).WaitAsync(TestIds.Timeout);
        rig.Feeds.Post(new MessageEvent(busyRoom, Message(busyRoom, 6)));

        Assert.Equal(6, (await rig.Hub.NextMessageAsync(busyRoom)).Seq);
        Assert.False(slowSubscribed.IsCompleted);
    }

    [Fact]
    public async Task Messages_that_arrive_before_the_subscribe_answers_are_delivered_after_it_without_repeats()
    {
        var rig = new Rig();
        var room = TestIds.Room();
        rig.ConnectLocalUserTo(room);

        var subscribed = rig.Feeds.SyncAsync(room);
        rig.Feeds.Post(new MessageEvent(room, Message(room, 3)));
        rig.Feeds.Post(new MessageEvent(room, Message(room, 4)));
        rig.Rooms.Answer(room, lastSeq: 3);
        await subscribed.WaitAsync(TestIds.Timeout);
        rig.Feeds.Post(new MessageEvent(room, Message(room, 5)));

        Assert.Equal(4, (await rig.Hub.NextMessageAsync(room)).Seq);
        Assert.Equal(5, (await rig.Hub.NextMessageAsync(room)).Seq);
    }

    [Fact]
    public async Task A_failed_subscribe_fails_its_callers_and_the_next_sync_tries_again()
    {
        var rig = new Rig();
        var room = TestIds.Room();
        rig.ConnectLocalUserTo(room);

        var first = rig.Feeds.SyncAsync(room);
        rig.Rooms.Fail(room);
        await Assert.ThrowsAsync<InvalidOperationException>(() => first.WaitAsync(TestIds.Timeout));
        rig.Rooms.Reset(room);

        var second = rig.Feeds.SyncAsync(room);
        rig.Rooms.Answer(room, lastSeq: 0);
        await second.WaitAsync(TestIds.Timeout);
        rig.Feeds.Post(new MessageEvent(room, Message(room, 1)));
        Assert.Equal(1, (await rig.Hub.NextMessageAsync(room)).Seq);
    }

    [Fact]
    public async Task A_room_routed_after_messages_were_sent_to_a_user_who_joined_earlier_delivers_them_in_order()
    {
        var rig = new Rig();
        var room = TestIds.Room();
        rig.ConnectLocalUserTo(room);
        rig.Rooms.Store(room, Enumerable.Range(1, 4).Select(seq => Message(room, seq)));

        // The local user joined at seq 1; the node subscribes only once 4 messages are stored.
        var subscribed = rig.Feeds.SyncAsync(room, deliverAfter: 1);
        rig.Feeds.Post(new MessageEvent(room, Message(room, 5)));
        rig.Rooms.Answer(room, lastSeq: 4);
        await subscribed.WaitAsync(TestIds.Timeout);
        rig.Feeds.Post(new MessageEvent(room, Message(room, 6)));

        var delivered = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            delivered.Add((await rig.Hub.NextMessageAsync(room)).Seq);
        }

        Assert.Equal([2, 3, 4, 5, 6], delivered);
        Assert.Equal([(1L, 4L)], rig.Rooms.RangesAsked(room));
    }

    [Fact]
    public async Task A_room_routed_without_a_join_seq_starts_at_the_rooms_last_seq()
    {
        var rig = new Rig();
        var room = TestIds.Room();
        rig.ConnectLocalUserTo(room);
        rig.Rooms.Store(room, Enumerable.Range(1, 4).Select(seq => Message(room, seq)));

        var subscribed = rig.Feeds.SyncAsync(room);
        rig.Rooms.Answer(room, lastSeq: 4);
        await subscribed.WaitAsync(TestIds.Timeout);
        rig.Feeds.Post(new MessageEvent(room, Message(room, 5)));

        Assert.Equal(5, (await rig.Hub.NextMessageAsync(room)).Seq);
        Assert.Empty(rig.Rooms.RangesAsked(room));
    }

    [Fact]
    public async Task A_gap_still_open_after_250_ms_on_the_nodes_clock_is_filled_from_the_room()
    {
        var time = new FakeTimeProvider();
        var rig = new Rig(time);
        var room = TestIds.Room();
        rig.ConnectLocalUserTo(room);
        rig.Rooms.Store(room, Enumerable.Range(1, 3).Select(seq => Message(room, seq)));
        var subscribed = rig.Feeds.SyncAsync(room);
        rig.Rooms.Answer(room, lastSeq: 0);
        await subscribed.WaitAsync(TestIds.Timeout);

        rig.Feeds.Post(new MessageEvent(room, Message(room, 1)));
        rig.Feeds.Post(new MessageEvent(room, Message(room, 3)));
        Assert.Equal(1, (await rig.Hub.NextMessageAsync(room)).Seq);

        time.Advance(RoomFeeds.GapWait - TimeSpan.FromMilliseconds(1));
        Assert.Empty(rig.Rooms.RangesAsked(room));

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, (await rig.Hub.NextMessageAsync(room)).Seq);
        Assert.Equal(3, (await rig.Hub.NextMessageAsync(room)).Seq);
        Assert.Equal([(1L, 3L)], rig.Rooms.RangesAsked(room));
    }

    private static ChatMessage Message(string room, long seq) => new(room, seq, "u2", $"text {seq}", $"c-{seq}", DateTimeOffset.UnixEpoch);

    private sealed class Rig
    {
        public Rig(TimeProvider? time = null)
        {
            Rooms = new StandInRooms();
            Hub = new RecordingHub();
            Routes = new LocalRoutes();
            Feeds = new RoomFeeds(Rooms.Factory, new RoomSocketWriter(Hub.Context, Routes, NullLogger<RoomSocketWriter>.Instance), Routes, time ?? TimeProvider.System, NullLogger<RoomFeeds>.Instance);
            Feeds.Start("node-x", new FakeNode());
        }

        public StandInRooms Rooms { get; }

        public RecordingHub Hub { get; }

        public LocalRoutes Routes { get; }

        public RoomFeeds Feeds { get; }

        /// <summary>One local connection of a member of <paramref name="rooms"/>, so the node wants those rooms.</summary>
        public void ConnectLocalUserTo(params string[] rooms)
        {
            var userId = TestIds.User();
            Routes.AddConnection(userId, $"{userId}-c1");
            Routes.ApplyRooms(userId, new UserRooms(1, rooms));
        }

        public string RoomOnSameShardAs(string roomId)
        {
            var shard = Feeds.ShardIndexOf(roomId);
            while (true)
            {
                var candidate = TestIds.Room("busy");
                if (Feeds.ShardIndexOf(candidate) == shard)
                {
                    return candidate;
                }
            }
        }
    }

    /// <summary>Room grains whose Subscribe answers only when the test says so.</summary>
    private sealed class StandInRooms
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<RoomSubscription>> _subscribes = new();
        private readonly ConcurrentDictionary<string, List<ChatMessage>> _stored = new();
        private readonly ConcurrentDictionary<string, ConcurrentQueue<(long After, long Upto)>> _ranges = new();

        public StandInRooms() => Factory = Proxy<IGrainFactory>.Create(Invoke);

        public IGrainFactory Factory { get; }

        public void Answer(string roomId, long lastSeq) => Subscribe(roomId).TrySetResult(new RoomSubscription(roomId, lastSeq));

        public void Fail(string roomId) => Subscribe(roomId).TrySetException(new InvalidOperationException("room unreachable"));

        /// <summary>What the room's GetRange answers from.</summary>
        public void Store(string roomId, IEnumerable<ChatMessage> messages) => _stored[roomId] = messages.ToList();

        public IReadOnlyList<(long After, long Upto)> RangesAsked(string roomId) => [.. _ranges.GetValueOrDefault(roomId) ?? []];

        /// <summary>The next Subscribe of the room waits again (call once the previous one was consumed).</summary>
        public void Reset(string roomId) => _subscribes.TryRemove(roomId, out _);

        private TaskCompletionSource<RoomSubscription> Subscribe(string roomId) =>
            _subscribes.GetOrAdd(roomId, _ => new TaskCompletionSource<RoomSubscription>(TaskCreationOptions.RunContinuationsAsynchronously));

        private object? Invoke(MethodInfo method, object?[] args)
        {
            if (method.Name != nameof(IGrainFactory.GetGrain) || method.ReturnType != typeof(IRoomGrain) || args[0] is not string roomId)
            {
                throw new NotSupportedException(method.Name);
            }

            return Proxy<IRoomGrain>.Create((call, args) => call.Name switch
            {
                nameof(IRoomGrain.Subscribe) => Subscribe(roomId).Task,
                nameof(IRoomGrain.Unsubscribe) => Task.CompletedTask,
                nameof(IRoomGrain.GetRange) => GetRange(roomId, (long)args[0]!, (long)args[1]!),
                _ => throw new NotSupportedException(call.Name),
            });
        }

        private Task<IReadOnlyList<ChatMessage>> GetRange(string roomId, long after, long upto)
        {
            _ranges.GetOrAdd(roomId, _ => new()).Enqueue((after, upto));
            IReadOnlyList<ChatMessage> range = (_stored.GetValueOrDefault(roomId) ?? []).Where(m => m.Seq > after && m.Seq <= upto).ToList();
            return Task.FromResult(range);
        }
    }

    /// <summary>A hub context that records the messages sent to room groups.</summary>
    private sealed class RecordingHub
    {
        private readonly ConcurrentDictionary<string, System.Threading.Channels.Channel<ChatMessage>> _groups = new();

        public RecordingHub()
        {
            var clients = Proxy<IHubClients>.Create((method, args) => method.Name switch
            {
                nameof(IHubClients.Group) or nameof(IHubClients.GroupExcept) => new GroupProxy(this, (string)args[0]!),
                _ => throw new NotSupportedException(method.Name),
            });
            Context = Proxy<IHubContext<ChatHub>>.Create((method, _) => method.Name switch
            {
                "get_Clients" => clients,
                _ => throw new NotSupportedException(method.Name),
            });
        }

        public IHubContext<ChatHub> Context { get; }

        public async Task<ChatMessage> NextMessageAsync(string roomId)
        {
            using var cts = new CancellationTokenSource(TestIds.Timeout);
            return await Group(HubNames.RoomGroup(roomId)).Reader.ReadAsync(cts.Token);
        }

        private System.Threading.Channels.Channel<ChatMessage> Group(string name) =>
            _groups.GetOrAdd(name, _ => System.Threading.Channels.Channel.CreateUnbounded<ChatMessage>());

        private sealed class GroupProxy(RecordingHub hub, string group) : IClientProxy
        {
            public Task SendCoreAsync(string method, object?[] args, CancellationToken cancellationToken = default)
            {
                if (method == HubNames.Message && args[0] is ChatMessage message)
                {
                    hub.Group(group).Writer.TryWrite(message);
                }

                return Task.CompletedTask;
            }
        }
    }
}

/// <summary>An interface implemented by a delegate: stand-ins without a mocking library.</summary>
public class Proxy<T> : DispatchProxy
    where T : class
{
    private Func<MethodInfo, object?[], object?> _invoke = (m, _) => throw new NotSupportedException(m.Name);

    public static T Create(Func<MethodInfo, object?[], object?> invoke)
    {
        var proxy = DispatchProxy.Create<T, Proxy<T>>();
        ((Proxy<T>)(object)proxy)._invoke = invoke;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => _invoke(targetMethod!, args ?? []);
}
