using OrleansChat.Messages;
using OrleansChat.Storage;
using OrleansChat.Tests.Infrastructure;
using OrleansChat.Tests.Storage.Infrastructure;

namespace OrleansChat.Tests.Storage;

/// <summary>
/// What every <see cref="IMessageStore"/> must do, written once; each store runs it through a
/// subclass. The memory store is the reference, so a difference here is a bug in the other store.
/// </summary>
public abstract class MessageStoreContract
{
    protected abstract IMessageStore Store { get; }

    [StoreFact]
    public async Task Appended_message_reads_back_unchanged()
    {
        var room = TestIds.Room();
        var message = Message(room, 1, "alice", "c1", "hello");

        var result = await Store.AppendAsync(message).WaitAsync(TestIds.Timeout);

        Assert.Equal(new AppendResult(AppendOutcome.Stored, message), result);
        Assert.Equal(message, await Store.GetAsync(room, 1).WaitAsync(TestIds.Timeout));
        Assert.Equal(1, await Store.GetLastSeqAsync(room).WaitAsync(TestIds.Timeout));
        Assert.Equal([message], await Store.GetAfterAsync(room, 0, 10).WaitAsync(TestIds.Timeout));
    }

    [StoreFact]
    public async Task Unknown_room_is_empty()
    {
        var room = TestIds.Room();

        Assert.Equal(0, await Store.GetLastSeqAsync(room).WaitAsync(TestIds.Timeout));
        Assert.Empty(await Store.GetBeforeAsync(room, 0, 10).WaitAsync(TestIds.Timeout));
        Assert.Empty(await Store.GetAfterAsync(room, 0, 10).WaitAsync(TestIds.Timeout));
        Assert.Null(await Store.GetAsync(room, 1).WaitAsync(TestIds.Timeout));
    }

    [StoreFact]
    public async Task Concurrent_duplicate_appends_store_the_message_once()
    {
        var room = TestIds.Room();
        var message = Message(room, 1, "alice", "retry-me", "once");

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => Store.AppendAsync(message))))
            .WaitAsync(TestIds.Timeout);

        Assert.Single(results, r => r.Outcome == AppendOutcome.Stored);
        Assert.All(results, r => Assert.Equal(message, r.Message));
        Assert.Equal(1, await Store.GetLastSeqAsync(room).WaitAsync(TestIds.Timeout));
        Assert.Equal([message], await Store.GetAfterAsync(room, 0, 100).WaitAsync(TestIds.Timeout));
    }

    [StoreFact]
    public async Task Concurrent_appends_of_one_seq_store_exactly_one()
    {
        var room = TestIds.Room();
        var contenders = Enumerable.Range(0, 16).Select(i => Message(room, 1, "alice", $"c{i}", $"text {i}")).ToList();

        var results = await Task.WhenAll(contenders.Select(m => Task.Run(() => Store.AppendAsync(m)))).WaitAsync(TestIds.Timeout);

        var winner = Assert.Single(results, r => r.Outcome == AppendOutcome.Stored);
        Assert.All(results.Where(r => r.Outcome != AppendOutcome.Stored), r => Assert.Equal(new AppendResult(AppendOutcome.SeqTaken, null), r));
        var stored = Assert.IsType<ChatMessage>(winner.Message);
        Assert.Equal([stored], await Store.GetAfterAsync(room, 0, 100).WaitAsync(TestIds.Timeout));
    }

    [StoreFact]
    public async Task Retried_send_returns_the_original_even_after_later_messages()
    {
        var room = TestIds.Room();
        var first = Message(room, 1, "alice", "c1", "first");
        await AppendAllAsync(first, Message(room, 2, "bob", "c2", "second"));

        // A client retrying after a lost ack: the room has moved on, so the retry carries a newer seq.
        var retry = await Store.AppendAsync(first with { Seq = 3 }).WaitAsync(TestIds.Timeout);

        Assert.Equal(new AppendResult(AppendOutcome.Duplicate, first), retry);
        Assert.Equal(2, await Store.GetLastSeqAsync(room).WaitAsync(TestIds.Timeout));
    }

    [StoreFact]
    public async Task Taken_seq_is_refused_and_the_stored_message_stays()
    {
        var room = TestIds.Room();
        var stored = Message(room, 1, "alice", "c1", "mine");
        await AppendAllAsync(stored);

        var result = await Store.AppendAsync(Message(room, 1, "bob", "c9", "stale writer")).WaitAsync(TestIds.Timeout);

        Assert.Equal(new AppendResult(AppendOutcome.SeqTaken, null), result);
        Assert.Equal(stored, await Store.GetAsync(room, 1).WaitAsync(TestIds.Timeout));
    }

    [StoreFact]
    public async Task Seq_that_would_leave_a_gap_is_an_error()
    {
        var room = TestIds.Room();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.AppendAsync(Message(room, 2, "alice", "c1", "too far")).WaitAsync(TestIds.Timeout));
        Assert.Equal(0, await Store.GetLastSeqAsync(room).WaitAsync(TestIds.Timeout));
    }

    [StoreFact]
    public async Task Same_client_id_from_different_senders_are_different_messages()
    {
        var room = TestIds.Room();
        var results = new[]
        {
            await Store.AppendAsync(Message(room, 1, "alice", "same", "a")).WaitAsync(TestIds.Timeout),
            await Store.AppendAsync(Message(room, 2, "bob", "same", "b")).WaitAsync(TestIds.Timeout),
        };

        Assert.All(results, r => Assert.Equal(AppendOutcome.Stored, r.Outcome));
        Assert.Equal(2, await Store.GetLastSeqAsync(room).WaitAsync(TestIds.Timeout));
    }

    [StoreFact]
    public async Task History_pages_backwards_and_forwards_in_seq_order()
    {
        var room = TestIds.Room();
        var all = Enumerable.Range(1, 25).Select(i => Message(room, i, i % 2 == 0 ? "alice" : "bob", $"c{i}", $"text {i}")).ToArray();
        await AppendAllAsync(all);

        await AssertSeqs(Store.GetBeforeAsync(room, 0, 10), 16, 25);
        await AssertSeqs(Store.GetBeforeAsync(room, 16, 10), 6, 15);
        await AssertSeqs(Store.GetBeforeAsync(room, 6, 10), 1, 5);
        await AssertSeqs(Store.GetBeforeAsync(room, 1, 10), 1, 0);
        await AssertSeqs(Store.GetBeforeAsync(room, 1000, 3), 23, 25);
        await AssertSeqs(Store.GetBeforeAsync(room, 25, 1), 24, 24);
        await AssertSeqs(Store.GetAfterAsync(room, 0, 10), 1, 10);
        await AssertSeqs(Store.GetAfterAsync(room, 20, 10), 21, 25);
        await AssertSeqs(Store.GetAfterAsync(room, 24, 1), 25, 25);
        await AssertSeqs(Store.GetAfterAsync(room, 25, 10), 1, 0);
        Assert.Equal(all, await Store.GetAfterAsync(room, 0, 1000).WaitAsync(TestIds.Timeout));
        Assert.Equal(25, await Store.GetLastSeqAsync(room).WaitAsync(TestIds.Timeout));
    }

    [StoreFact]
    public async Task Replace_edits_and_deletes_but_keeps_seq_and_idempotency_key()
    {
        var room = TestIds.Room();
        var original = Message(room, 1, "alice", "c1", "typo");
        await AppendAllAsync(original, Message(room, 2, "bob", "c2", "reply"));

        var edited = original with { Text = "fixed", EditedAt = original.SentAt.AddMinutes(1) };
        await Store.ReplaceAsync(edited).WaitAsync(TestIds.Timeout);
        Assert.Equal(edited, await Store.GetAsync(room, 1).WaitAsync(TestIds.Timeout));

        var deleted = edited with { Text = null, Deleted = true };
        await Store.ReplaceAsync(deleted).WaitAsync(TestIds.Timeout);
        Assert.Equal(deleted, (await Store.GetBeforeAsync(room, 0, 10).WaitAsync(TestIds.Timeout))[0]);

        var retry = await Store.AppendAsync(original with { Seq = 3 }).WaitAsync(TestIds.Timeout);
        Assert.Equal(new AppendResult(AppendOutcome.Duplicate, deleted), retry);
        Assert.Equal(2, await Store.GetLastSeqAsync(room).WaitAsync(TestIds.Timeout));
    }

    [StoreFact]
    public async Task Replacing_a_message_never_stored_is_an_error()
    {
        var room = TestIds.Room();
        await AppendAllAsync(Message(room, 1, "alice", "c1", "only"));

        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.ReplaceAsync(Message(room, 2, "alice", "c2", "ghost")).WaitAsync(TestIds.Timeout));
        Assert.Null(await Store.GetAsync(room, 2).WaitAsync(TestIds.Timeout));
    }

    [StoreFact]
    public async Task Rooms_are_isolated_from_each_other()
    {
        var roomA = TestIds.Room("a");
        var roomB = ChatLimits.DirectRoomId(TestIds.User("x"), TestIds.User("y"));
        await AppendAllAsync(Message(roomA, 1, "alice", "c1", "a1"), Message(roomA, 2, "alice", "c2", "a2"), Message(roomA, 3, "alice", "c3", "a3"));

        // Same sender and client ids in another room are new messages, and seqs start again at 1.
        var inB = Message(roomB, 1, "alice", "c1", "b1");
        Assert.Equal(AppendOutcome.Stored, (await Store.AppendAsync(inB).WaitAsync(TestIds.Timeout)).Outcome);

        Assert.Equal(3, await Store.GetLastSeqAsync(roomA).WaitAsync(TestIds.Timeout));
        Assert.Equal(1, await Store.GetLastSeqAsync(roomB).WaitAsync(TestIds.Timeout));
        Assert.Equal([inB], await Store.GetAfterAsync(roomB, 0, 10).WaitAsync(TestIds.Timeout));
        Assert.Equal("a1", (await Store.GetAsync(roomA, 1).WaitAsync(TestIds.Timeout))?.Text);
    }

    [StoreFact]
    public async Task Ping_answers_true_when_the_store_is_reachable()
    {
        Assert.True(await Store.PingAsync().WaitAsync(TestIds.Timeout));
    }

    /// <summary>Whole milliseconds: the precision every store keeps (BSON dates hold no more).</summary>
    protected static ChatMessage Message(string room, long seq, string sender, string clientMsgId, string text)
    {
        var now = DateTimeOffset.UtcNow;
        return new ChatMessage(room, seq, sender, text, clientMsgId, now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond)));
    }

    private async Task AppendAllAsync(params ChatMessage[] messages)
    {
        foreach (var message in messages)
        {
            Assert.Equal(AppendOutcome.Stored, (await Store.AppendAsync(message).WaitAsync(TestIds.Timeout)).Outcome);
        }
    }

    private static async Task AssertSeqs(Task<IReadOnlyList<ChatMessage>> page, long first, long last)
    {
        var seqs = (await page.WaitAsync(TestIds.Timeout)).Select(m => m.Seq).ToArray();
        Assert.Equal(first > last ? [] : Enumerable.Range((int)first, (int)(last - first + 1)).Select(i => (long)i).ToArray(), seqs);
    }
}
