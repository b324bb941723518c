using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansChat.Grains.Nodes;
using OrleansChat.Messages;
using OrleansChat.Nodes;
using OrleansChat.Tests.Infrastructure;
using OrleansChat.Users;

namespace OrleansChat.Tests.Unit;

public sealed class NodeOutboxTests
{
    [Fact]
    public async Task Events_queued_while_a_node_call_is_under_way_go_out_together_and_in_order()
    {
        var node = new RecordingNode();
        var outbox = new NodeOutbox([], NullLogger<NodeOutbox>.Instance);
        var room = TestIds.Room();

        node.HoldFirstCall = true;
        outbox.Post("node-b", node, Typing(room, 0));
        await node.FirstCallStarted.Task.WaitAsync(TestIds.Timeout);
        for (var i = 1; i <= 40; i++)
        {
            outbox.Post("node-b", node, Typing(room, i));
        }

        node.Release.Set();
        await node.WaitForEventsAsync(41);

        Assert.Equal([1, 40], node.Calls.Select(c => c.Length));
        Assert.Equal(Enumerable.Range(0, 41).Select(i => $"u{i}"), node.Calls.SelectMany(c => c).Cast<TypingEvent>().Select(e => e.UserId));
    }

    [Fact]
    public async Task A_long_queue_is_split_into_calls_of_at_most_the_batch_size()
    {
        var node = new RecordingNode { HoldFirstCall = true };
        var outbox = new NodeOutbox([], NullLogger<NodeOutbox>.Instance);
        var room = TestIds.Room();

        outbox.Post("node-b", node, Typing(room, 0));
        await node.FirstCallStarted.Task.WaitAsync(TestIds.Timeout);
        var queued = 2 * NodeOutbox.MaxBatch + 7;
        for (var i = 1; i <= queued; i++)
        {
            outbox.Post("node-b", node, Typing(room, i));
        }

        node.Release.Set();
        await node.WaitForEventsAsync(queued + 1);

        Assert.Equal([1, NodeOutbox.MaxBatch, NodeOutbox.MaxBatch, 7], node.Calls.Select(c => c.Length));
        Assert.Equal(Enumerable.Range(0, queued + 1).Select(i => $"u{i}"), node.Calls.SelectMany(c => c).Cast<TypingEvent>().Select(e => e.UserId));
    }

    [Fact]
    public async Task The_node_in_this_process_gets_its_events_in_memory_and_other_nodes_by_call()
    {
        var local = new LocalNode("node-a");
        var remote = new RecordingNode();
        var outbox = new NodeOutbox([local], NullLogger<NodeOutbox>.Instance);
        var room = TestIds.Room();

        outbox.Post("node-a", remote, Typing(room, 1));
        outbox.Post("node-b", remote, Typing(room, 2));

        Assert.Equal(["u1"], local.Delivered.Cast<TypingEvent>().Select(e => e.UserId));
        await remote.WaitForEventsAsync(1);
        Assert.Equal(["u2"], remote.Calls.SelectMany(c => c).Cast<TypingEvent>().Select(e => e.UserId));
    }

    [Fact]
    public async Task One_node_failing_to_take_a_call_does_not_stop_the_others_and_its_lane_carries_on_once_it_takes_calls_again()
    {
        var broken = new RecordingNode { Fail = true };
        var healthy = new RecordingNode();
        var outbox = new NodeOutbox([], NullLogger<NodeOutbox>.Instance);
        var room = TestIds.Room();

        outbox.Post("node-b", broken, Typing(room, 1));
        outbox.Post("node-c", healthy, Typing(room, 1));
        outbox.Post("node-b", broken, Typing(room, 2));
        outbox.Post("node-c", healthy, Typing(room, 2));

        await healthy.WaitForEventsAsync(2);
        Assert.Equal(["u1", "u2"], healthy.Calls.SelectMany(c => c).Cast<TypingEvent>().Select(e => e.UserId));

        // The failed calls are gone (the node's feed fills such gaps from the room); the lane is not.
        await broken.WaitForFailedEventsAsync(2);
        broken.Fail = false;
        outbox.Post("node-b", broken, Typing(room, 3));
        await broken.WaitForEventsAsync(1);
        Assert.Equal(["u3"], broken.Calls.SelectMany(c => c).Cast<TypingEvent>().Select(e => e.UserId));
    }

    [Fact]
    public async Task A_node_of_a_dead_silo_is_refused_for_good_and_the_others_keep_their_lanes()
    {
        var dead = new RecordingNode();
        var live = new RecordingNode();
        var outbox = new NodeOutbox([], NullLogger<NodeOutbox>.Instance);
        var room = TestIds.Room();
        Assert.True(outbox.Post("node-b", dead, Typing(room, 1)));
        await dead.WaitForEventsAsync(1);

        outbox.Forget(new HashSet<string>(["node-b"], StringComparer.Ordinal));

        Assert.False(outbox.Post("node-b", dead, Typing(room, 2)));
        Assert.True(outbox.Post("node-c", live, Typing(room, 3)));
        await live.WaitForEventsAsync(1);
        Assert.False(outbox.Post("node-b", dead, Typing(room, 4)));
        Assert.Equal(["u1"], dead.Calls.SelectMany(c => c).Cast<TypingEvent>().Select(e => e.UserId));
    }

    private static TypingEvent Typing(string room, int user) => new(room, $"u{user}");

    private sealed class LocalNode(string nodeId) : ILocalChatNode
    {
        public List<RoomEvent> Delivered { get; } = [];

        public string NodeId => nodeId;

        public void Deliver(RoomEvent roomEvent) => Delivered.Add(roomEvent);

        public void Notice(IReadOnlyList<NodeNotice> notices)
        {
        }
    }

    /// <summary>A node that records each call's events; can hold its first call until released.</summary>
    private sealed class RecordingNode : IChatNode
    {
        private readonly SemaphoreSlim _arrived = new(0);
        private readonly SemaphoreSlim _failed = new(0);
        private int _calls;
        private volatile bool _fail;

        public bool HoldFirstCall { get; set; }

        public bool Fail
        {
            get => _fail;
            set => _fail = value;
        }

        public TaskCompletionSource FirstCallStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ManualResetEventSlim Release { get; } = new();

        public ConcurrentQueue<RoomEvent[]> Calls { get; } = new();

        public Task OnRoomEvent(RoomEvent roomEvent) => Record([roomEvent]);

        public Task OnRoomEvents(RoomEvent[] roomEvents) => Record(roomEvents);

        public async Task WaitForEventsAsync(int count)
        {
            using var cts = new CancellationTokenSource(TestIds.Timeout);
            while (Calls.Sum(c => c.Length) < count)
            {
                await _arrived.WaitAsync(cts.Token);
            }
        }

        public async Task WaitForFailedEventsAsync(int count)
        {
            using var cts = new CancellationTokenSource(TestIds.Timeout);
            for (var i = 0; i < count; i++)
            {
                await _failed.WaitAsync(cts.Token);
            }
        }

        private Task Record(RoomEvent[] events)
        {
            if (Fail)
            {
                _failed.Release(events.Length);
                throw new InvalidOperationException("node unreachable");
            }

            if (Interlocked.Increment(ref _calls) == 1 && HoldFirstCall)
            {
                FirstCallStarted.TrySetResult();
                Assert.True(Release.Wait(TestIds.Timeout), "the test never released the first call");
            }

            Calls.Enqueue(events);
            _arrived.Release();
            return Task.CompletedTask;
        }

        public Task OnNotices(NodeNotice[] notices) => Task.CompletedTask;


        public Task ApplyUserRooms(string userId, UserRooms rooms) => Task.CompletedTask;

        public Task RemoveFromRoom(string userId, UserRooms rooms, RoomEvent notice) => Task.CompletedTask;

        public Task OnUserEvent(string userId, RoomEvent notice) => Task.CompletedTask;


        public Task<string[]> OnlineAmong(string[] userIds) => Task.FromResult<string[]>([]);

        public Task<int> CloseConnectionsOf(string userId) => Task.FromResult(0);
    }
}
