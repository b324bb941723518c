using OrleansChat.Messages;
using OrleansChat.Nodes;
using OrleansChat.Rooms;
using OrleansChat.Tests.Grains;
using OrleansChat.Tests.Infrastructure;
using OrleansChat.Users;

namespace OrleansChat.Tests.Abuse;

/// <summary>What one read costs inside the cluster, counted in grain calls and bytes.</summary>
[Collection(ChatClusterCollection.Name)]
public sealed class AmplificationGrainTests(ChatClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_users_room_list_is_answered_without_a_call_to_any_room()
    {
        var alice = Grains.GetGrain<IUserGrain>(TestIds.User("alice"));
        var rooms = Enumerable.Range(0, 30).Select(i => $"{TestIds.Room()}-{i:D2}").ToList();
        foreach (var roomId in rooms)
        {
            await alice.JoinRoom(roomId).WaitAsync(TestIds.Timeout);
        }

        var before = RoomCalls(rooms);

        var first = await alice.GetRoomReads(null, 20).WaitAsync(TestIds.Timeout);
        var rest = await alice.GetRoomReads(first[^1].RoomId, 20).WaitAsync(TestIds.Timeout);

        Assert.Equal(0, RoomCalls(rooms) - before);
        Assert.Equal(rooms.Order(StringComparer.Ordinal), first.Concat(rest).Select(r => r.RoomId));
        Assert.Equal(20, first.Count);
        Assert.Equal(10, rest.Count);
        var badPage = await Assert.ThrowsAsync<ChatException>(() => alice.GetRoomReads(null, ChatLimits.MaxRoomsPage + 1).WaitAsync(TestIds.Timeout));
        Assert.Contains("limit must be between 1 and 500", badPage.Message);
    }

    [Fact]
    public async Task A_resume_of_long_messages_is_cut_at_about_a_megabyte_and_pages_on_to_the_end()
    {
        var roomId = TestIds.Room();
        var room = Grains.GetGrain<IRoomGrain>(roomId);
        var alice = TestIds.User("alice");
        await room.Join(alice).WaitAsync(TestIds.Timeout);
        // 4 000 Cyrillic characters: 8 000 bytes of UTF-8 each, 3.2 MB for the 400.
        var text = new string('Ж', ChatLimits.MaxTextLength);
        await Task.WhenAll(Enumerable.Range(1, 400).Select(i => room.Send(alice, $"c{i}", text).WaitAsync(TestIds.Timeout)));

        var pages = new List<IReadOnlyList<ChatMessage>>();
        var after = 0L;
        while (pages.Count < 10)
        {
            var page = await room.Resume(alice, after).WaitAsync(TestIds.Timeout);
            if (page.Count == 0)
            {
                break;
            }

            pages.Add(page);
            after = page[^1].Seq;
        }

        Assert.All(pages, p => Assert.InRange(p.Sum(m => System.Text.Encoding.UTF8.GetByteCount(m.Text ?? "")), 1, ChatLimits.MaxResumeBytes));
        Assert.True(pages.Count >= 4, $"400 messages of 8 000 bytes came in {pages.Count} page(s)");
        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), pages.SelectMany(p => p).Select(m => m.Seq));
    }

    private static int RoomCalls(IEnumerable<string> rooms) => GrainCallCounter.CallsTo(rooms, nameof(IRoomGrain.GetLastSeq));
}
