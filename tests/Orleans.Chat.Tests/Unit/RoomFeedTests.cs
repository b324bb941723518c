using Microsoft.Extensions.Logging.Abstractions;
using OrleansChat.Edge.Routing.Feeds;
using OrleansChat.Messages;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Unit;

/// <summary>One room's feed as a state machine, against an output that records what it is asked to do.</summary>
public sealed class RoomFeedTests
{
    private readonly string _room = TestIds.Room();
    private readonly RecordingOutput _output = new();

    private RoomFeed NewLiveFeed(long lastSeq)
    {
        var feed = new RoomFeed(_room, _output, NullLogger.Instance);
        Assert.True(feed.RequestSubscribe(force: false, waiter: null, deliverAfter: null));
        feed.OnSubscribed(lastSeq);
        Assert.Equal(FeedState.Live, feed.State);
        return feed;
    }

    [Fact]
    public void Events_before_the_first_subscribe_answer_wait_and_are_written_after_it_in_order_without_repeats()
    {
        var feed = new RoomFeed(_room, _output, NullLogger.Instance);
        var waiter = new TaskCompletionSource();
        Assert.True(feed.RequestSubscribe(force: false, waiter, deliverAfter: null));
        Assert.False(feed.RequestSubscribe(force: false, waiter: null, deliverAfter: null));

        feed.Offer(Message(3));
        feed.Offer(Message(4));
        Assert.Equal(FeedState.Subscribing, feed.State);
        Assert.Empty(_output.Written);

        feed.OnSubscribed(lastSeq: 3);
        feed.Offer(Message(4));
        feed.Offer(Message(5));

        Assert.Equal([4, 5], _output.Written);
        Assert.True(waiter.Task.IsCompletedSuccessfully);
    }

    [Fact]
    public void A_gap_is_checked_once_after_the_wait_then_filled_from_the_room_and_the_held_messages_follow()
    {
        var feed = NewLiveFeed(lastSeq: 0);
        feed.Offer(Message(1));
        feed.Offer(Message(3));
        feed.Offer(Message(4));

        Assert.Equal([1], _output.Written);
        Assert.Equal(1, _output.GapChecks);
        Assert.Empty(_output.Fetches);

        feed.CheckGap();
        Assert.Equal(FeedState.FillingGap, feed.State);
        Assert.Equal([(1L, 4L)], _output.Fetches);

        feed.OnRange([Message(2).Message]);
        Assert.Equal(FeedState.Live, feed.State);
        Assert.Equal([1, 2, 3, 4], _output.Written);
    }

    [Fact]
    public void A_gap_the_room_has_nothing_for_is_given_up_and_delivery_goes_on_after_it()
    {
        var feed = NewLiveFeed(lastSeq: 1);
        feed.Offer(Message(3));
        feed.CheckGap();

        feed.OnRange([]);

        Assert.Equal([3], _output.Written);
        Assert.Equal(3, feed.LastDelivered);
        Assert.Equal(FeedState.Live, feed.State);
    }

    [Fact]
    public void One_fetch_at_a_time_and_a_failed_fetch_leaves_the_feed_live_for_the_next_check()
    {
        var feed = NewLiveFeed(lastSeq: 0);
        feed.Offer(Message(2));
        feed.CheckGap();
        feed.OnSubscribed(lastSeq: 5);
        Assert.Single(_output.Fetches);

        feed.OnRangeFailed();
        Assert.Equal(FeedState.Live, feed.State);
        feed.CheckGap();
        Assert.Equal([(0L, 2L), (0L, 2L)], _output.Fetches);
    }

    [Fact]
    public void A_live_feed_subscribes_again_only_when_forced_and_unsubscribes_only_when_no_subscribe_is_in_flight()
    {
        var feed = NewLiveFeed(lastSeq: 0);
        var waiter = new TaskCompletionSource();
        Assert.False(feed.RequestSubscribe(force: false, waiter, deliverAfter: null));
        Assert.True(waiter.Task.IsCompletedSuccessfully);

        Assert.True(feed.RequestSubscribe(force: true, waiter: null, deliverAfter: null));
        Assert.False(feed.Close());

        var fresh = new RoomFeed(TestIds.Room(), _output, NullLogger.Instance);
        fresh.RequestSubscribe(force: false, waiter: null, deliverAfter: null);
        fresh.OnSubscribed(lastSeq: 0);
        Assert.True(fresh.Close());
    }

    [Fact]
    public void A_feed_routed_late_starts_at_the_users_join_seq_and_fetches_what_was_stored_since()
    {
        var feed = new RoomFeed(_room, _output, NullLogger.Instance);
        feed.RequestSubscribe(force: false, waiter: null, deliverAfter: 2);
        feed.OnSubscribed(lastSeq: 6);

        Assert.Equal([(2L, 6L)], _output.Fetches);
        Assert.Equal(FeedState.FillingGap, feed.State);
    }

    private MessageEvent Message(long seq) => new(_room, new ChatMessage(_room, seq, "u", $"text {seq}", $"c{seq}", DateTimeOffset.UnixEpoch));

    private sealed class RecordingOutput : IFeedOutput
    {
        public List<long> Written { get; } = [];

        public List<(long After, long Upto)> Fetches { get; } = [];

        public int GapChecks { get; private set; }

        public void Write(IReadOnlyList<ChatMessage> messages) => Written.AddRange(messages.Select(m => m.Seq));

        public void Write(RoomEvent roomEvent)
        {
        }

        public void Fetch(RoomFeed feed, long afterSeq, long uptoSeq) => Fetches.Add((afterSeq, uptoSeq));

        public void CheckGapLater(RoomFeed feed) => GapChecks++;
    }
}
