using OrleansChat.Messages;
using OrleansChat.Nodes;
using OrleansChat.Rooms;
using OrleansChat.Tests.Cluster.Infrastructure;
using OrleansChat.Tests.Infrastructure;
using OrleansChat.Users;
using Orleans.Runtime;

namespace OrleansChat.Tests.Grains;

[Collection(ChatClusterCollection.Name)]
public sealed class RoomGrainTests(ChatClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Concurrent_senders_get_dense_unique_seqs()
    {
        var roomId = TestIds.Room();
        var users = Enumerable.Range(0, 6).Select(i => TestIds.User($"s{i}")).ToList();
        var room = Grains.GetGrain<IRoomGrain>(roomId);
        foreach (var user in users)
        {
            await room.Join(user).WaitAsync(TestIds.Timeout);
        }

        var sends = users.SelectMany(user => Enumerable.Range(0, 20).Select(i => room.Send(user, $"m{i}", $"hello {i}")));
        var stored = await Task.WhenAll(sends).WaitAsync(TestIds.Timeout);

        Assert.Equal(Enumerable.Range(1, 120).Select(i => (long)i), stored.Select(m => m.Seq).Order());
        var history = await ReadAllAsync(room, users[0]);
        Assert.Equal(Enumerable.Range(1, 120).Select(i => (long)i), history.Select(m => m.Seq));
        Assert.Equal(120, history.Select(m => (m.SenderId, m.ClientMsgId)).Distinct().Count());
    }

    [Fact]
    public async Task Concurrent_sends_reach_the_room_event_stream_in_seq_order()
    {
        var (room, alice) = await NewRoomWithMemberAsync();
        var stored = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => room.Send(alice, $"c{i}", $"text {i}"))).WaitAsync(TestIds.Timeout);
        Assert.Equal(60, stored.Max(m => m.Seq));

        // The activity consumer counts a message only when its seq is above the highest it has seen,
        // so any message published out of order would be missing from the count.
        var activity = Grains.GetGrain<IRoomActivityGrain>(stored[0].RoomId);
        var current = await activity.GetActivity().WaitAsync(TestIds.Timeout);
        await Poll.UntilAsync(async () => (current = await activity.GetActivity().WaitAsync(TestIds.Timeout)).LastSeq >= 60, TestIds.Timeout,
            () => $"the activity grain counted up to seq {current.LastSeq} only");

        Assert.Equal(60, current.LastSeq);
        Assert.Equal(60, current.Messages);
    }

    [Fact]
    public async Task Resending_the_same_client_message_id_returns_the_original_and_stores_once()
    {
        var (room, alice) = await NewRoomWithMemberAsync();
        var first = await room.Send(alice, "same-id", "first text").WaitAsync(TestIds.Timeout);
        var again = await room.Send(alice, "same-id", "different text").WaitAsync(TestIds.Timeout);
        var other = await room.Send(alice, "other-id", "second").WaitAsync(TestIds.Timeout);

        Assert.Equal(first, again);
        Assert.Equal("first text", again.Text);
        Assert.Equal(2, other.Seq);
        Assert.Equal(2, (await room.GetHistory(alice, 0, 50).WaitAsync(TestIds.Timeout)).Count);
    }

    [Fact]
    public async Task Same_client_message_id_from_two_senders_is_two_messages()
    {
        var (room, alice) = await NewRoomWithMemberAsync();
        var bob = TestIds.User("bob");
        await room.Join(bob).WaitAsync(TestIds.Timeout);

        var a = await room.Send(alice, "id-1", "from alice").WaitAsync(TestIds.Timeout);
        var b = await room.Send(bob, "id-1", "from bob").WaitAsync(TestIds.Timeout);

        Assert.NotEqual(a.Seq, b.Seq);
        Assert.Equal("from bob", b.Text);
    }

    [Fact]
    public async Task Membership_and_seq_survive_deactivation()
    {
        var roomId = TestIds.Room();
        var alice = TestIds.User("alice");
        var room = Grains.GetGrain<IRoomGrain>(roomId);
        var user = Grains.GetGrain<IUserGrain>(alice);
        await user.JoinRoom(roomId).WaitAsync(TestIds.Timeout);
        await room.Send(alice, "c1", "before").WaitAsync(TestIds.Timeout);
        Assert.True(await IsActiveAsync(room), "the room grain is not active before the collection");

        // Only these grains' activations count: other tests' grains are collected too.
        await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero).WaitAsync(TestIds.Timeout);
        Assert.False(await IsActiveAsync(room), "the room grain was not deactivated");
        Assert.False(await IsActiveAsync(user), "the user grain was not deactivated");

        Assert.True(await room.IsMember(alice).WaitAsync(TestIds.Timeout));
        Assert.Contains(roomId, await user.RoomIds());
        var next = await room.Send(alice, "c2", "after").WaitAsync(TestIds.Timeout);
        Assert.Equal(2, next.Seq);
    }

    [Fact]
    public async Task History_pages_backwards_in_ascending_order()
    {
        var (room, alice) = await NewRoomWithMemberAsync();
        for (var i = 1; i <= 25; i++)
        {
            await room.Send(alice, $"c{i}", $"text {i}").WaitAsync(TestIds.Timeout);
        }

        var newest = await room.GetHistory(alice, 0, 10).WaitAsync(TestIds.Timeout);
        var older = await room.GetHistory(alice, newest[0].Seq, 10).WaitAsync(TestIds.Timeout);
        var oldest = await room.GetHistory(alice, older[0].Seq, 10).WaitAsync(TestIds.Timeout);
        var none = await room.GetHistory(alice, 1, 10).WaitAsync(TestIds.Timeout);

        Assert.Equal(Seqs(16, 25), newest.Select(m => m.Seq));
        Assert.Equal(Seqs(6, 15), older.Select(m => m.Seq));
        Assert.Equal(Seqs(1, 5), oldest.Select(m => m.Seq));
        Assert.Empty(none);
        Assert.Equal("text 16", newest[0].Text);
    }

    [Fact]
    public async Task Resume_returns_exactly_the_messages_after_a_seq()
    {
        var (room, alice) = await NewRoomWithMemberAsync();
        for (var i = 1; i <= 12; i++)
        {
            await room.Send(alice, $"c{i}", $"text {i}").WaitAsync(TestIds.Timeout);
        }

        Assert.Equal(Seqs(8, 12), (await room.Resume(alice, 7).WaitAsync(TestIds.Timeout)).Select(m => m.Seq));
        Assert.Empty(await room.Resume(alice, 12).WaitAsync(TestIds.Timeout));
        Assert.Equal(Seqs(1, 12), (await room.Resume(alice, 0).WaitAsync(TestIds.Timeout)).Select(m => m.Seq));
    }

    [Fact]
    public async Task Non_members_can_neither_send_nor_read()
    {
        var (room, alice) = await NewRoomWithMemberAsync();
        await room.Send(alice, "c1", "secret").WaitAsync(TestIds.Timeout);
        var mallory = TestIds.User("mallory");

        var send = await Assert.ThrowsAsync<ChatException>(() => room.Send(mallory, "x", "hi").WaitAsync(TestIds.Timeout));
        var history = await Assert.ThrowsAsync<ChatException>(() => room.GetHistory(mallory, 0, 10).WaitAsync(TestIds.Timeout));
        var resume = await Assert.ThrowsAsync<ChatException>(() => room.Resume(mallory, 0).WaitAsync(TestIds.Timeout));

        Assert.All([send, history, resume], e => Assert.Contains("not a member of room", e.Message));
        Assert.Equal(1, await room.GetLastSeq().WaitAsync(TestIds.Timeout));
    }

    [Fact]
    public async Task Leaving_removes_the_right_to_send()
    {
        var (room, alice) = await NewRoomWithMemberAsync();
        await room.Leave(alice).WaitAsync(TestIds.Timeout);
        await Assert.ThrowsAsync<ChatException>(() => room.Send(alice, "c1", "hi").WaitAsync(TestIds.Timeout));
    }

    [Theory]
    [InlineData("", "c1", "text")]
    [InlineData("alice", "", "text")]
    [InlineData("alice", "c1", "")]
    public async Task Invalid_input_is_refused_and_stores_nothing(string sender, string clientMsgId, string text)
    {
        var (room, alice) = await NewRoomWithMemberAsync();
        sender = sender.Length == 0 ? "" : alice;
        await Assert.ThrowsAsync<ChatException>(() => room.Send(sender, clientMsgId, text).WaitAsync(TestIds.Timeout));
        Assert.Equal(0, await room.GetLastSeq().WaitAsync(TestIds.Timeout));
    }

    [Fact]
    public async Task Text_and_client_id_limits_are_enforced()
    {
        var (room, alice) = await NewRoomWithMemberAsync();
        var tooLong = await Assert.ThrowsAsync<ChatException>(() => room.Send(alice, "c1", new string('x', 4001)).WaitAsync(TestIds.Timeout));
        var longId = await Assert.ThrowsAsync<ChatException>(() => room.Send(alice, new string('c', 65), "hi").WaitAsync(TestIds.Timeout));
        var atLimit = await room.Send(alice, new string('c', 64), new string('x', 4000)).WaitAsync(TestIds.Timeout);

        Assert.Equal("text exceeds 4000 characters", tooLong.Message);
        Assert.Contains("clientMsgId", longId.Message);
        Assert.Equal(1, atLimit.Seq);
    }

    [Fact]
    public async Task History_limits_are_enforced()
    {
        var (room, alice) = await NewRoomWithMemberAsync();
        await Assert.ThrowsAsync<ChatException>(() => room.GetHistory(alice, 0, 0).WaitAsync(TestIds.Timeout));
        await Assert.ThrowsAsync<ChatException>(() => room.GetHistory(alice, 0, 201).WaitAsync(TestIds.Timeout));
        await Assert.ThrowsAsync<ChatException>(() => room.Resume(alice, -1).WaitAsync(TestIds.Timeout));
    }

    [Fact]
    public async Task Direct_rooms_admit_only_their_two_users()
    {
        var alice = TestIds.User("alice");
        var bob = TestIds.User("bob");
        var roomId = ChatLimits.DirectRoomId(bob, alice);
        Assert.Equal(roomId, ChatLimits.DirectRoomId(alice, bob));
        Assert.Equal($"dm:{(string.CompareOrdinal(alice, bob) < 0 ? $"{alice}:{bob}" : $"{bob}:{alice}")}", roomId);

        var room = Grains.GetGrain<IRoomGrain>(roomId);
        var error = await Assert.ThrowsAsync<ChatException>(() => room.Join(TestIds.User("eve")).WaitAsync(TestIds.Timeout));
        Assert.Contains("direct room", error.Message);

        await room.Join(alice).WaitAsync(TestIds.Timeout);
        var incomplete = await Assert.ThrowsAsync<ChatException>(() => room.Send(alice, "c1", "hi").WaitAsync(TestIds.Timeout));
        Assert.Equal(ChatErrorCode.DirectRoomIncomplete, incomplete.Code);

        await room.Join(bob).WaitAsync(TestIds.Timeout);
        Assert.Equal(1, (await room.Send(alice, "c1", "hi").WaitAsync(TestIds.Timeout)).Seq);
    }

    [Fact]
    public async Task Fan_out_is_one_call_per_node_whatever_the_member_count()
    {
        var (room, alice) = await NewRoomWithMemberAsync();
        for (var i = 0; i < 40; i++)
        {
            await room.Join(TestIds.User($"m{i}")).WaitAsync(TestIds.Timeout);
        }

        var node = new FakeNode();
        var reference = fixture.Cluster.Client.CreateObjectReference<IChatNode>(node);
        var subscription = await room.Subscribe("fake-node-" + Guid.NewGuid().ToString("N"), reference).WaitAsync(TestIds.Timeout);
        Assert.Equal(0, subscription.LastSeq);

        for (var i = 1; i <= 10; i++)
        {
            await room.Send(alice, $"c{i}", $"text {i}").WaitAsync(TestIds.Timeout);
        }

        // Grain-to-observer calls carry no ordering guarantee; the edge node restores seq order.
        var delivered = await node.NextMessagesAsync(10);
        Assert.Equal(Seqs(1, 10), delivered.Select(m => m.Seq).Order());

        // A duplicate may still be on its way when the ten are in. The room posts a node's events in
        // order, so one sent during those ten comes before this marker: the next message must be it.
        var marker = await room.Send(alice, "c11", "text 11").WaitAsync(TestIds.Timeout);
        var next = Assert.Single(await node.NextMessagesAsync(1));
        Assert.True(next.Seq == marker.Seq, $"message {next.Seq} reached the node twice");
        Assert.Equal(11, marker.Seq);
    }

    [Fact]
    public async Task A_send_from_a_node_leaves_that_node_out_of_the_fan_out_and_no_other()
    {
        var (room, alice) = await NewRoomWithMemberAsync();
        var (sendingId, sending) = await SubscribeFakeNodeAsync(room);
        var (_, other) = await SubscribeFakeNodeAsync(room);

        // The sending node delivers what the call answers; the other node needs the fan-out.
        for (var i = 1; i <= 5; i++)
        {
            var receipt = await room.SendFromNode(sendingId, alice, $"n{i}", $"text {i}").WaitAsync(TestIds.Timeout);
            Assert.Equal(i, receipt.Message.Seq);
            Assert.True(receipt.ForCallerNode, "the answer does not say it is the sending node's copy");
        }

        // A retry finds the message stored: its first answer was that node's copy, so this one is not.
        var retried = await room.SendFromNode(sendingId, alice, "n5", "text 5").WaitAsync(TestIds.Timeout);
        Assert.Equal(5, retried.Message.Seq);
        Assert.False(retried.ForCallerNode);

        Assert.Equal(Seqs(1, 5), (await other.NextMessagesAsync(5)).Select(m => m.Seq).Order());

        // A plain send reaches both. The room posts each node's events in order, so had the sending
        // node been given any of the five, one would come before this one.
        var marker = await room.Send(alice, "n6", "text 6").WaitAsync(TestIds.Timeout);
        Assert.Equal(6, Assert.Single(await sending.NextMessagesAsync(1)).Seq);
        Assert.Equal(6, Assert.Single(await other.NextMessagesAsync(1)).Seq);
        Assert.Equal(6, marker.Seq);
    }

    [Fact]
    public async Task A_send_from_a_node_the_room_does_not_know_reaches_every_subscribed_node()
    {
        var (room, alice) = await NewRoomWithMemberAsync();
        var (_, subscribed) = await SubscribeFakeNodeAsync(room);

        var receipt = await room.SendFromNode("node-not-subscribed-" + Guid.NewGuid().ToString("N"), alice, "u1", "hello").WaitAsync(TestIds.Timeout);

        // Not the caller's copy: that node has no feed of the room to hand it to.
        Assert.False(receipt.ForCallerNode);
        Assert.Equal(receipt.Message.Seq, Assert.Single(await subscribed.NextMessagesAsync(1)).Seq);
        await Assert.ThrowsAsync<ArgumentException>(() => room.SendFromNode("", alice, "u2", "no node").WaitAsync(TestIds.Timeout));
        Assert.Equal(1, await room.GetLastSeq().WaitAsync(TestIds.Timeout));
    }

    [Fact]
    public async Task A_full_room_refuses_one_more_member_and_takes_one_again_after_a_leave()
    {
        var (room, alice) = await NewRoomWithMemberAsync();
        for (var i = 1; i < ChatClusterFixture.Limit; i++)
        {
            await room.Join(TestIds.User($"m{i}")).WaitAsync(TestIds.Timeout);
        }

        var late = TestIds.User("late");
        var refused = await Assert.ThrowsAsync<ChatException>(() => room.Join(late).WaitAsync(TestIds.Timeout));

        Assert.Equal(ChatErrorCode.LimitReached, refused.Code);
        Assert.Contains("is full", refused.Message);
        Assert.False(await room.IsMember(late).WaitAsync(TestIds.Timeout));
        await room.Join(alice).WaitAsync(TestIds.Timeout);
        await room.Leave(alice).WaitAsync(TestIds.Timeout);
        await room.Join(late).WaitAsync(TestIds.Timeout);
        Assert.True(await room.IsMember(late).WaitAsync(TestIds.Timeout));
    }

    [Fact]
    public async Task Only_a_room_with_members_asks_the_nodes_to_subscribe_when_it_activates()
    {
        var node = new FakeNode();
        var nodeId = "fake-node-" + Guid.NewGuid().ToString("N");
        var directory = Grains.GetGrain<INodeDirectoryGrain>(0);
        var reference = fixture.Cluster.Client.CreateObjectReference<IChatNode>(node);
        // The directory keeps nodes in memory and is collected with everything else, so the fake
        // node registers again after each collection, as a real node does on its renewal timer.
        Task RegisterAsync() => directory.Register(nodeId, reference).WaitAsync(TestIds.Timeout);
        await RegisterAsync();
        try
        {
            var (member, alice) = await NewRoomWithMemberAsync();

            // The silo's node list is up to a second old: reactivate the room with a member until
            // the fake node hears of it, so that the node is known before the empty room activates.
            await ReactivateUntilAnnouncedAsync(member, node, RegisterAsync, times: 1);
            var nobody = Grains.GetGrain<IRoomGrain>(TestIds.Room("nobody"));
            await Assert.ThrowsAsync<ChatException>(() => nobody.GetHistory(alice, 0, 10).WaitAsync(TestIds.Timeout));
            Assert.True(await IsActiveAsync(nobody), "asking an empty room did not activate it");
            await ReactivateUntilAnnouncedAsync(member, node, RegisterAsync, times: 2);

            Assert.DoesNotContain(nobody.GetPrimaryKeyString(), node.ActivatedRooms);
        }
        finally
        {
            await directory.Unregister(nodeId).WaitAsync(TestIds.Timeout);
        }
    }

    private async Task<(string NodeId, FakeNode Node)> SubscribeFakeNodeAsync(IRoomGrain room)
    {
        var node = new FakeNode();
        var nodeId = "fake-node-" + Guid.NewGuid().ToString("N");
        await room.Subscribe(nodeId, fixture.Cluster.Client.CreateObjectReference<IChatNode>(node)).WaitAsync(TestIds.Timeout);
        return (nodeId, node);
    }

    private async Task ReactivateUntilAnnouncedAsync(IRoomGrain room, FakeNode node, Func<Task> register, int times)
    {
        var roomId = room.GetPrimaryKeyString();
        var deadline = DateTime.UtcNow + TestIds.Timeout;
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (node.ActivatedRooms.Count(r => r == roomId) < times)
        {
            Assert.True(DateTime.UtcNow < deadline, $"room {roomId} never told the node it activated");
            await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero).WaitAsync(TestIds.Timeout);
            await register();
            await room.GetLastSeq().WaitAsync(TestIds.Timeout);
            await tick.WaitForNextTickAsync();
        }
    }

    [Fact]
    public async Task A_join_the_store_refused_leaves_the_room_as_it_was()
    {
        var room = Grains.GetGrain<IRoomGrain>(TestIds.Room(FailingWritesStorage.Marker));
        var alice = TestIds.User("alice");

        await Assert.ThrowsAnyAsync<Exception>(() => room.Join(alice).WaitAsync(TestIds.Timeout));

        Assert.False(await room.IsMember(alice).WaitAsync(TestIds.Timeout));
        var refused = await Assert.ThrowsAsync<ChatException>(() => room.Send(alice, "c1", "not a member").WaitAsync(TestIds.Timeout));
        Assert.Equal(ChatErrorCode.NotMember, refused.Code);
    }

    [Fact]
    public async Task A_room_list_the_store_refused_is_not_kept_by_the_user()
    {
        var roomId = TestIds.Room();
        var user = Grains.GetGrain<IUserGrain>(TestIds.User(FailingWritesStorage.Marker));

        await Assert.ThrowsAnyAsync<Exception>(() => user.JoinRoom(roomId).WaitAsync(TestIds.Timeout));

        Assert.DoesNotContain(roomId, await user.RoomIds());

        // A node connecting now gets the list as it was: nothing joined, the version not moved on.
        var node = fixture.Cluster.Client.CreateObjectReference<IChatNode>(new FakeNode());
        var rooms = await user.Connect("n-" + Guid.NewGuid().ToString("N"), node, "c1").WaitAsync(TestIds.Timeout);
        Assert.DoesNotContain(roomId, rooms.Rooms);
        Assert.Equal(0, rooms.Version);
    }

    private async Task<(IRoomGrain Room, string User)> NewRoomWithMemberAsync()
    {
        var room = Grains.GetGrain<IRoomGrain>(TestIds.Room());
        var alice = TestIds.User("alice");
        await room.Join(alice).WaitAsync(TestIds.Timeout);
        return (room, alice);
    }

    private static async Task<List<ChatMessage>> ReadAllAsync(IRoomGrain room, string member)
    {
        var all = new List<ChatMessage>();
        long after = 0;
        while (true)
        {
            var page = await room.Resume(member, after).WaitAsync(TestIds.Timeout);
            if (page.Count == 0)
            {
                return all;
            }

            all.AddRange(page);
            after = page[^1].Seq;
        }
    }

    /// <summary>Whether any silo holds an activation of this grain, as the silos' catalogs list them.</summary>
    private async Task<bool> IsActiveAsync(IAddressable grain)
    {
        var grainId = grain.GetGrainId();
        var activations = await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics().WaitAsync(TestIds.Timeout);
        return activations.Any(a => a.GrainId == grainId);
    }

    private static IEnumerable<long> Seqs(int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => (long)i);
}
