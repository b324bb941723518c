using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Edge;

/// <summary>The real node, driven by the official .NET SignalR client, as a user's app would.</summary>
[Collection(EdgeNodeCollection.Name)]
public sealed class ChatEndToEndTests(EdgeNodeFixture node)
{
    [Fact]
    public async Task Two_users_chat_and_see_the_contract_payload()
    {
        var roomId = TestIds.Room();
        await using var alice = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("alice"));
        await using var bob = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("bob"));
        var joined = await alice.JoinAsync(roomId);
        var bobJoined = await bob.JoinAsync(roomId);

        Assert.Equal(roomId, joined.GetProperty("roomId").GetString());
        Assert.Equal(0, joined.GetProperty("lastSeq").GetInt64());
        Assert.Equal([alice.UserId, bob.UserId], bobJoined.GetProperty("members").EnumerateArray().Select(e => e.GetString()).Order(StringComparer.Ordinal));
        var memberJoined = await alice.WaitForAsync("memberJoined", p => p.GetProperty("userId").GetString() == bob.UserId);
        Assert.Equal(roomId, memberJoined.GetProperty("roomId").GetString());

        var ack = await alice.SendAsync(roomId, "hello bob", "client-1");
        var received = await bob.WaitForAsync("message", p => p.GetProperty("roomId").GetString() == roomId);

        Assert.Equal(1, ack.GetProperty("seq").GetInt64());
        Assert.Equal(ack.GetRawText(), received.GetRawText());
        Assert.Equal(["clientMsgId", "roomId", "senderId", "sentAt", "seq", "text"], received.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(alice.UserId, received.GetProperty("senderId").GetString());
        Assert.Equal("hello bob", received.GetProperty("text").GetString());
        Assert.Equal("client-1", received.GetProperty("clientMsgId").GetString());
        var sentAt = received.GetProperty("sentAt").GetString() ?? "";
        Assert.EndsWith("Z", sentAt);
        Assert.InRange(DateTimeOffset.Parse(sentAt, CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task A_user_with_two_connections_gets_each_message_on_both()
    {
        var roomId = TestIds.Room();
        var bobId = TestIds.User("bob");
        await using var alice = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("alice"));
        await using var bobPhone = await TestChatClient.ConnectAsync(node.BaseUrl, bobId);
        await using var bobLaptop = await TestChatClient.ConnectAsync(node.BaseUrl, bobId);
        await alice.JoinAsync(roomId);
        await bobPhone.JoinAsync(roomId);

        for (var i = 1; i <= 3; i++)
        {
            await alice.SendAsync(roomId, $"message {i}");
        }

        foreach (var device in new[] { bobPhone, bobLaptop })
        {
            for (var seq = 1; seq <= 3; seq++)
            {
                var expected = seq;
                var message = await device.WaitForAsync("message", p => p.GetProperty("seq").GetInt64() == expected);
                Assert.Equal($"message {seq}", message.GetProperty("text").GetString());
            }
        }
    }

    [Fact]
    public async Task Concurrent_senders_are_delivered_in_seq_order_without_gaps_or_duplicates()
    {
        var roomId = TestIds.Room();
        await using var reader = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("reader"));
        await reader.JoinAsync(roomId);
        var senders = new List<TestChatClient>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                var sender = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User($"w{i}"));
                senders.Add(sender);
                await sender.JoinAsync(roomId);
            }

            await Task.WhenAll(senders.Select(async sender =>
            {
                for (var n = 0; n < 20; n++)
                {
                    await sender.SendAsync(roomId, $"{sender.UserId} #{n}");
                }
            })).WaitAsync(TestIds.Timeout);

            // Everything before seq 100 stays recorded in arrival order; anything after it (a duplicate) too.
            await reader.WaitForAsync("message", p => p.GetProperty("seq").GetInt64() == 100);
            var arrived = reader.ReceivedMessages(roomId).Select(m => m.GetProperty("seq").GetInt64());
            Assert.Equal(Enumerable.Range(1, 99).Select(i => (long)i), arrived);
        }
        finally
        {
            foreach (var sender in senders)
            {
                await sender.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task After_a_reconnect_events_flow_without_rejoining_and_resume_fills_the_gap()
    {
        var roomId = TestIds.Room();
        var bobId = TestIds.User("bob");
        await using var alice = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("alice"));
        await alice.JoinAsync(roomId);
        long lastSeen;
        await using (var bob = await TestChatClient.ConnectAsync(node.BaseUrl, bobId))
        {
            await bob.JoinAsync(roomId);
            await alice.SendAsync(roomId, "while online");
            lastSeen = (await bob.WaitForAsync("message")).GetProperty("seq").GetInt64();
        }

        var missed = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            missed.Add((await alice.SendAsync(roomId, $"while away {i}")).GetProperty("seq").GetInt64());
        }

        await using var bobAgain = await TestChatClient.ConnectAsync(node.BaseUrl, bobId);
        var resumed = await bobAgain.InvokeAsync<JsonElement>("Resume", roomId, lastSeen);
        Assert.Equal(missed, resumed.EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()));

        var live = await alice.SendAsync(roomId, "after reconnect");
        var received = await bobAgain.WaitForAsync("message");
        Assert.Equal(live.GetProperty("seq").GetInt64(), received.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task A_non_members_send_is_refused_clearly_and_the_connection_stays_usable()
    {
        var roomId = TestIds.Room();
        await using var owner = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("owner"));
        await owner.JoinAsync(roomId);
        await using var stranger = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("stranger"));

        var error = await Assert.ThrowsAsync<HubException>(() => stranger.SendAsync(roomId, "let me in"));
        Assert.Contains($"not a member of room {roomId}", error.Message);
        var history = await Assert.ThrowsAsync<HubException>(() => stranger.InvokeAsync<JsonElement>("GetHistory", roomId, null, 10));
        Assert.Contains("not a member", history.Message);

        await stranger.JoinAsync(roomId);
        var ack = await stranger.SendAsync(roomId, "now a member");
        Assert.Equal(1, ack.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_error_and_changes_nothing()
    {
        var roomId = TestIds.Room();
        await using var alice = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("alice"));
        await alice.JoinAsync(roomId);

        var badRoom = await Assert.ThrowsAsync<HubException>(() => alice.JoinAsync("bad room!"));
        var colon = await Assert.ThrowsAsync<HubException>(() => alice.JoinAsync("a:b"));
        var tooLong = await Assert.ThrowsAsync<HubException>(() => alice.SendAsync(roomId, new string('x', 4001)));
        var empty = await Assert.ThrowsAsync<HubException>(() => alice.SendAsync(roomId, ""));
        var badLimit = await Assert.ThrowsAsync<HubException>(() => alice.InvokeAsync<JsonElement>("GetHistory", roomId, null, 500));
        var foreignDm = await Assert.ThrowsAsync<HubException>(() => alice.JoinAsync("dm:carol:dave"));

        Assert.Contains("invalid room id", badRoom.Message);
        Assert.Contains("invalid room id", colon.Message);
        Assert.EndsWith("HubException: text exceeds 4000 characters", tooLong.Message);
        Assert.Contains("empty", empty.Message);
        Assert.Contains("limit", badLimit.Message);
        Assert.Contains("direct room", foreignDm.Message);
        var rooms = await alice.InvokeAsync<JsonElement>("GetRooms");
        Assert.Equal([roomId], rooms.EnumerateArray().Select(r => r.GetProperty("roomId").GetString()));
        Assert.Equal(0, rooms[0].GetProperty("lastSeq").GetInt64());
    }

    [Fact]
    public async Task Sends_beyond_the_burst_are_rate_limited_per_user_with_a_retry_hint()
    {
        var roomId = TestIds.Room();
        await using var alice = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("alice"));
        await alice.JoinAsync(roomId);

        // Fired at once, so the bucket (30 now, then 6 per second by default) refills only by the time the burst takes.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var attempts = await AllAtOnceAsync(100, i => alice.SendAsync(roomId, $"burst {i}"));
        var elapsed = clock.Elapsed.TotalSeconds;

        var accepted = attempts.Count(a => a is null);
        Assert.InRange(accepted, 30, 30 + (int)Math.Ceiling(elapsed * 6) + 1);
        var refusals = attempts.OfType<string>().ToList();
        Assert.NotEmpty(refusals);
        Assert.All(refusals, r => Assert.Matches(@"rate limit exceeded, retry in \d+\.\d s", r));

        await using var bob = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("bob"));
        await bob.JoinAsync(roomId);
        var bobsAck = await bob.SendAsync(roomId, "another user is not limited");
        Assert.Equal(accepted + 1, bobsAck.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task Typing_beyond_its_allowance_is_refused_with_a_retry_hint_and_sends_go_on()
    {
        var roomId = TestIds.Room();
        await using var alice = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("alice"));
        await alice.JoinAsync(roomId);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var attempts = await AllAtOnceAsync(150, _ => alice.InvokeAsync("Typing", roomId));

        var elapsed = clock.Elapsed.TotalSeconds;

        // 60 at once (the join took one), plus the refill of 10 a second while the calls were on their way.
        var refusals = attempts.OfType<string>().ToList();
        Assert.InRange(attempts.Count(a => a is null), 59, 59 + (int)Math.Ceiling(elapsed * 10) + 1);
        Assert.All(refusals, r => Assert.Matches(@"rate limit exceeded, retry in \d+\.\d s", r));
        var sent = await alice.SendAsync(roomId, "typing is limited apart from sending");
        Assert.Equal(1, sent.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task Direct_messages_reach_the_other_user_in_the_reserved_room()
    {
        await using var alice = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("alice"));
        await using var bob = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("bob"));
        var expectedRoom = string.CompareOrdinal(alice.UserId, bob.UserId) < 0 ? $"dm:{alice.UserId}:{bob.UserId}" : $"dm:{bob.UserId}:{alice.UserId}";

        var ack = await alice.InvokeAsync<JsonElement>("SendDirect", bob.UserId, "dm-1", "psst");
        var received = await bob.WaitForAsync("message", p => p.GetProperty("roomId").GetString() == expectedRoom);
        var reply = await bob.InvokeAsync<JsonElement>("SendDirect", alice.UserId, "dm-2", "hi back");

        Assert.Equal(expectedRoom, ack.GetProperty("roomId").GetString());
        Assert.Equal("psst", received.GetProperty("text").GetString());
        Assert.Equal(2, reply.GetProperty("seq").GetInt64());
        var history = await bob.InvokeAsync<JsonElement>("GetHistory", expectedRoom, null, 10);
        Assert.Equal(["psst", "hi back"], history.EnumerateArray().Select(m => m.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task Typing_read_and_presence_reach_the_other_members()
    {
        var roomId = TestIds.Room();
        await using var alice = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("alice"));
        await alice.JoinAsync(roomId);
        var bobId = TestIds.User("bob");
        await using (var bob = await TestChatClient.ConnectAsync(node.BaseUrl, bobId))
        {
            await bob.JoinAsync(roomId);
            await bob.InvokeAsync("Typing", roomId);
            var typing = await alice.WaitForAsync("typing");
            Assert.Equal(bobId, typing.GetProperty("userId").GetString());
            Assert.Equal(roomId, typing.GetProperty("roomId").GetString());

            await alice.SendAsync(roomId, "read me");
            await bob.InvokeAsync("MarkRead", roomId, 1L);
            var read = await alice.WaitForAsync("read");
            Assert.Equal(1, read.GetProperty("seq").GetInt64());
            var rooms = await bob.InvokeAsync<JsonElement>("GetRooms");
            Assert.Equal(0, rooms[0].GetProperty("unread").GetInt64());
        }

        var offline = await alice.WaitForAsync("presence", p => p.GetProperty("userId").GetString() == bobId && !p.GetProperty("online").GetBoolean());
        Assert.False(offline.GetProperty("online").GetBoolean());
        await using var bobBack = await TestChatClient.ConnectAsync(node.BaseUrl, bobId);
        var online = await alice.WaitForAsync("presence", p => p.GetProperty("userId").GetString() == bobId && p.GetProperty("online").GetBoolean());
        Assert.True(online.GetProperty("online").GetBoolean());
    }

    [Fact]
    public async Task Presence_of_a_rooms_members_can_be_read_by_members_only()
    {
        var roomId = TestIds.Room();
        var carolId = TestIds.User("carol");
        await using var alice = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("alice"));
        await using var bob = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("bob"));
        await alice.JoinAsync(roomId);
        await bob.JoinAsync(roomId);
        await using (var carol = await TestChatClient.ConnectAsync(node.BaseUrl, carolId))
        {
            await carol.JoinAsync(roomId);
        }

        await alice.WaitForAsync("presence", p => p.GetProperty("userId").GetString() == carolId && !p.GetProperty("online").GetBoolean());
        var presence = (await alice.InvokeAsync<JsonElement>("GetPresence", roomId)).EnumerateArray()
            .ToDictionary(p => p.GetProperty("userId").GetString() ?? "", p => p.GetProperty("online").GetBoolean());

        Assert.Equal(new Dictionary<string, bool> { [alice.UserId] = true, [bob.UserId] = true, [carolId] = false }, presence);
        await using var stranger = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("stranger"));
        var refused = await Assert.ThrowsAsync<HubException>(() => stranger.InvokeAsync<JsonElement>("GetPresence", roomId));
        Assert.Contains("not a member", refused.Message);
    }

    [Fact]
    public async Task Edits_and_deletes_reach_members_and_history_keeps_the_seq()
    {
        var roomId = TestIds.Room();
        await using var alice = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("alice"));
        await using var bob = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("bob"));
        await alice.JoinAsync(roomId);
        await bob.JoinAsync(roomId);
        await alice.SendAsync(roomId, "typo");
        await alice.SendAsync(roomId, "regret");

        await alice.InvokeAsync<JsonElement>("EditMessage", roomId, 1L, "fixed");
        var edited = await bob.WaitForAsync("messageEdited");
        var notMine = await Assert.ThrowsAsync<HubException>(() => bob.InvokeAsync<JsonElement>("EditMessage", roomId, 1L, "hijack"));
        await alice.InvokeAsync("DeleteMessage", roomId, 2L);
        var deleted = await bob.WaitForAsync("messageDeleted");

        Assert.Equal("fixed", edited.GetProperty("text").GetString());
        Assert.Contains("only the sender", notMine.Message);
        Assert.Equal(2, deleted.GetProperty("seq").GetInt64());
        var history = (await bob.InvokeAsync<JsonElement>("GetHistory", roomId, null, 10)).EnumerateArray().ToList();
        Assert.Equal("fixed", history[0].GetProperty("text").GetString());
        Assert.True(history[0].TryGetProperty("editedAt", out _));
        Assert.True(history[1].GetProperty("deleted").GetBoolean());
        Assert.False(history[1].TryGetProperty("text", out _));
    }

    /// <summary>Makes every call at once; for each, null when it went through, else the refusal's message.</summary>
    private static Task<string?[]> AllAtOnceAsync(int count, Func<int, Task> call) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            try
            {
                await call(i);
                return (string?)null;
            }
            catch (HubException ex)
            {
                return ex.Message;
            }
        }));
}
