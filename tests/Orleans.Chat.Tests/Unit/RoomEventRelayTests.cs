using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansChat.Grains.Streaming;
using OrleansChat.Messages;
using OrleansChat.Silo.Persistence.Memory;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Unit;

public sealed class RoomEventRelayTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
    private readonly MemoryMessageStore _store = new();
    private readonly FakeStream _stream = new();

    private RoomEventRelay NewRelay(long queueLimit = RoomEventRelay.MaxQueued, int maxBatchBytes = int.MaxValue) =>
        new(_stream.PublishAsync, _store, _time, NullLogger<RoomEventRelay>.Instance, maxBatchBytes) { QueueLimit = queueLimit };

    [Fact]
    public async Task Events_of_many_rooms_queued_behind_a_publish_go_out_in_the_next_round_one_batch_per_room_in_order()
    {
        using var relay = NewRelay();
        var rooms = Enumerable.Range(0, 5).Select(i => TestIds.Room($"r{i}")).ToList();
        _stream.Hold();
        relay.Post(Message(rooms[0], 1));
        await _stream.CallStarted.WaitAsync(TestIds.Timeout);
        foreach (var room in rooms)
        {
            for (var seq = room == rooms[0] ? 2 : 1; seq <= 10; seq++)
            {
                relay.Post(Message(room, seq));
            }
        }

        Assert.Equal(50, relay.Lag);
        _stream.Release();
        await _stream.WaitForAsync(50);

        // One publish for the first event, then one per room for everything that queued meanwhile.
        Assert.Equal(1 + rooms.Count, _stream.Calls.Count);
        foreach (var room in rooms)
        {
            Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), _stream.SeqsOf(room));
        }

        Assert.Equal(0, relay.Lag);
        Assert.Null(relay.FirstPendingSeq(rooms[0]));
    }

    [Fact]
    public async Task With_a_byte_limit_from_the_stream_provider_queued_events_go_out_in_batches_that_fit_it()
    {
        // A short message is estimated at a little over 512 bytes: three fit in 2 000, four do not.
        using var relay = NewRelay(maxBatchBytes: 2_000);
        var room = TestIds.Room();
        _stream.Hold();
        relay.Post(Message(room, 1));
        await _stream.CallStarted.WaitAsync(TestIds.Timeout);
        for (var seq = 2; seq <= 10; seq++)
        {
            relay.Post(Message(room, seq));
        }

        _stream.Release();
        await _stream.WaitForAsync(10);

        Assert.Equal([1, 3, 3, 3], _stream.Calls.Select(c => c.Events.Count));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), _stream.SeqsOf(room));
    }

    [Fact]
    public async Task A_refused_publish_keeps_the_room_waiting_in_order_and_goes_out_once_the_stream_takes_it()
    {
        using var relay = NewRelay();
        var room = TestIds.Room();
        _stream.Refuse = true;
        relay.Post(Message(room, 1));
        await _stream.CallStarted.WaitAsync(TestIds.Timeout);
        relay.Post(Message(room, 2));
        relay.Post(new MemberEvent(room, "u", Joined: true));
        relay.Post(Message(room, 3));

        await UntilAsync(() => relay.FailingSince is not null);
        Assert.Equal(4, relay.Lag);
        Assert.Equal(1, relay.FirstPendingSeq(room));
        Assert.Empty(_stream.SeqsOf(room));

        _stream.Refuse = false;
        await UntilAsync(() => relay.Lag == 0);
        Assert.Equal([1, 2, 3], _stream.SeqsOf(room));
        Assert.IsType<MemberEvent>(_stream.Published.Single(e => e.RoomId == room && e is not MessageEvent));
        Assert.Null(relay.FailingSince);
    }

    [Fact]
    public async Task A_republished_range_is_read_from_the_store_and_goes_out_before_what_the_room_hands_in_later()
    {
        using var relay = NewRelay();
        var room = TestIds.Room();
        for (var seq = 1; seq <= 300; seq++)
        {
            await _store.AppendAsync(Message(room, seq).Message);
        }

        _stream.Hold();
        relay.Republish(room, 100, 300);
        relay.Post(Message(room, 301));
        Assert.Equal(101, relay.FirstPendingSeq(room));
        await _stream.CallStarted.WaitAsync(TestIds.Timeout);
        _stream.Release();
        await _stream.WaitForAsync(201);

        Assert.Equal(Enumerable.Range(101, 201).Select(i => (long)i), _stream.SeqsOf(room));
    }

    [Fact]
    public async Task Past_its_limit_the_relay_keeps_messages_by_range_and_reads_them_back_from_the_store()
    {
        using var relay = NewRelay(queueLimit: 3);
        var room = TestIds.Room();
        _stream.Refuse = true;
        for (var seq = 1; seq <= 20; seq++)
        {
            var message = Message(room, seq);
            await _store.AppendAsync(message.Message);
            relay.Post(message);
        }

        relay.Post(new MemberEvent(room, "late", Joined: false));
        await UntilAsync(() => relay.FailingSince is not null);
        Assert.Equal(20, relay.Lag);

        _stream.Refuse = false;
        await UntilAsync(() => relay.Lag == 0);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), _stream.SeqsOf(room));
        Assert.DoesNotContain(_stream.Published, e => e is MemberEvent);
    }

    /// <summary>Moves the fake clock on until <paramref name="done"/> holds: the relay waits on it between retries.</summary>
    private async Task UntilAsync(Func<bool> done)
    {
        var deadline = DateTime.UtcNow + TestIds.Timeout;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "the relay did not get there in time");
            _time.Advance(TimeSpan.FromMilliseconds(500));
            await _stream.Activity.WaitAsync(TimeSpan.FromMilliseconds(20));
        }
    }

    private static MessageEvent Message(string room, long seq) =>
        new(room, new ChatMessage(room, seq, "u", $"text {seq}", $"c{seq}", DateTimeOffset.UnixEpoch));

    /// <summary>A stream whose answers the test controls.</summary>
    private sealed class FakeStream
    {
        private readonly Lock _lock = new();
        private TaskCompletionSource _gate = Completed();

        public List<(string RoomId, IReadOnlyList<RoomEvent> Events)> Calls { get; } = [];

        public List<RoomEvent> Published { get; } = [];

        public bool Refuse { get; set; }

        public TaskCompletionSource CallStartedSource { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task CallStarted => CallStartedSource.Task;

        /// <summary>Released on every publish attempt.</summary>
        public SemaphoreSlim Activity { get; } = new(0);

        public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        public async Task PublishAsync(string roomId, IReadOnlyList<RoomEvent> events)
        {
            CallStartedSource.TrySetResult();
            Activity.Release();
            await _gate.Task;
            if (Refuse)
            {
                throw new InvalidOperationException("the stream is down");
            }

            lock (_lock)
            {
                Calls.Add((roomId, events));
                Published.AddRange(events);
            }
        }

        public List<long> SeqsOf(string roomId)
        {
            lock (_lock)
            {
                return Published.OfType<MessageEvent>().Where(m => m.RoomId == roomId).Select(m => m.Message.Seq).ToList();
            }
        }

        public async Task WaitForAsync(int events)
        {
            var deadline = DateTime.UtcNow + TestIds.Timeout;
            while (true)
            {
                lock (_lock)
                {
                    if (Published.Count >= events)
                    {
                        return;
                    }
                }

                Assert.True(DateTime.UtcNow < deadline, $"the stream got fewer than {events} events");
                await Activity.WaitAsync(TimeSpan.FromMilliseconds(50));
            }
        }

        private static TaskCompletionSource Completed()
        {
            var done = new TaskCompletionSource();
            done.SetResult();
            return done;
        }
    }
}
