using OrleansChat.Edge.Routing;
using OrleansChat.Messages;

namespace OrleansChat.Tests.Unit;

public sealed class SeqOrderTests
{
    [Fact]
    public void In_order_messages_are_released_at_once()
    {
        var order = new SeqOrder(0);
        Assert.Equal([1L], Seqs(order.Offer(Message(1))));
        Assert.Equal([2L], Seqs(order.Offer(Message(2))));
        Assert.False(order.HasGap);
    }

    [Fact]
    public void A_message_that_overtook_an_earlier_one_waits_for_it()
    {
        var order = new SeqOrder(10);
        Assert.Empty(order.Offer(Message(13)));
        Assert.Empty(order.Offer(Message(12)));
        Assert.True(order.HasGap);
        Assert.Equal(13, order.HighestPending);

        Assert.Equal([11L, 12L, 13L], Seqs(order.Offer(Message(11))));
        Assert.False(order.HasGap);
        Assert.Equal(13, order.LastDelivered);
    }

    [Fact]
    public void Repeats_and_old_messages_are_dropped()
    {
        var order = new SeqOrder(5);
        Assert.Empty(order.Offer(Message(5)));
        Assert.Empty(order.Offer(Message(3)));
        Assert.Single(order.Offer(Message(6)));
        Assert.Empty(order.Offer(Message(6)));
        Assert.Empty(order.Offer(Message(8)));
        Assert.Empty(order.Offer(Message(8)));
        Assert.Equal([7L, 8L], Seqs(order.Offer(Message(7))));
    }

    [Fact]
    public void Skipping_a_gap_releases_what_was_held_and_moves_on()
    {
        var order = new SeqOrder(0);
        order.Offer(Message(3));
        order.Offer(Message(4));
        order.Offer(Message(6));

        Assert.Equal([3L, 4L], Seqs(order.SkipGap()));
        Assert.Equal(4, order.LastDelivered);
        Assert.True(order.HasGap);
        Assert.Equal([6L], Seqs(order.SkipGap()));
        Assert.False(order.HasGap);
        Assert.Empty(order.Offer(Message(2)));
    }

    [Fact]
    public void Any_arrival_order_releases_every_seq_once_in_order()
    {
        var random = new Random(1234);
        for (var round = 0; round < 50; round++)
        {
            var order = new SeqOrder(0);
            var arrivals = Enumerable.Range(1, 30).Select(i => (long)i).Concat([3, 9, 9, 17]).OrderBy(_ => random.Next()).ToList();
            var released = arrivals.SelectMany(seq => order.Offer(Message(seq))).Select(m => m.Seq).ToList();
            Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), released);
        }
    }

    private static ChatMessage Message(long seq) => new("room", seq, "alice", $"text {seq}", $"c{seq}", DateTimeOffset.UnixEpoch);

    private static long[] Seqs(IEnumerable<ChatMessage> messages) => messages.Select(m => m.Seq).ToArray();
}
