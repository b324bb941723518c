using System.Collections.Concurrent;
using System.Threading.Channels;
using OrleansChat.Messages;
using OrleansChat.Nodes;
using OrleansChat.Users;

namespace OrleansChat.Tests.Grains;

/// <summary>An edge node stand-in that records what grains send it.</summary>
public sealed class FakeNode : IChatNode
{
    public Channel<RoomEvent> Events { get; } = Channel.CreateUnbounded<RoomEvent>();

    public ConcurrentQueue<string> ActivatedRooms { get; } = new();

    public ConcurrentQueue<(string UserId, bool Online)> Presence { get; } = new();

    public ConcurrentQueue<(string UserId, UserRooms Rooms)> RoomLists { get; } = new();

    public Task OnRoomEvent(RoomEvent roomEvent)
    {
        Events.Writer.TryWrite(roomEvent);
        return Task.CompletedTask;
    }

    public Task OnRoomEvents(RoomEvent[] roomEvents)
    {
        foreach (var roomEvent in roomEvents)
        {
            OnRoomEvent(roomEvent);
        }

        return Task.CompletedTask;
    }

    public Task OnNotices(NodeNotice[] notices)
    {
        foreach (var notice in notices)
        {
            if (notice.Kind == NodeNoticeKind.RoomActivated)
            {
                ActivatedRooms.Enqueue(notice.Id);
            }
            else if (notice.Kind is NodeNoticeKind.Online or NodeNoticeKind.Offline)
            {
                Presence.Enqueue((notice.Id, notice.Kind == NodeNoticeKind.Online));
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>When set, <see cref="ApplyUserRooms"/> fails with it, as a node with a routing fault would.</summary>
    public Exception? RoutingFault { get; set; }

    public Task ApplyUserRooms(string userId, UserRooms rooms)
    {
        RoomLists.Enqueue((userId, rooms));
        return RoutingFault is { } fault ? Task.FromException(fault) : Task.CompletedTask;
    }

    /// <summary>Removals (kick, ban) and notices for one user, in arrival order.</summary>
    public ConcurrentQueue<(string UserId, RoomEvent Notice)> UserNotices { get; } = new();

    public Task RemoveFromRoom(string userId, UserRooms rooms, RoomEvent notice)
    {
        UserNotices.Enqueue((userId, notice));
        RoomLists.Enqueue((userId, rooms));
        return Task.CompletedTask;
    }

    public Task OnUserEvent(string userId, RoomEvent notice)
    {
        UserNotices.Enqueue((userId, notice));
        return Task.CompletedTask;
    }

    /// <summary>Users this node answers as connected here when a room asks who is online.</summary>
    public ConcurrentDictionary<string, bool> Connected { get; } = new(StringComparer.Ordinal);

    public Task<string[]> OnlineAmong(string[] userIds) => Task.FromResult(userIds.Where(Connected.ContainsKey).ToArray());

    public Task<int> CloseConnectionsOf(string userId) => Task.FromResult(0);

    /// <summary>The next <paramref name="count"/> message events, in arrival order.</summary>
    public async Task<List<ChatMessage>> NextMessagesAsync(int count)
    {
        var result = new List<ChatMessage>();
        using var cts = new CancellationTokenSource(Infrastructure.TestIds.Timeout);
        while (result.Count < count)
        {
            if (await Events.Reader.ReadAsync(cts.Token) is MessageEvent m)
            {
                result.Add(m.Message);
            }
        }

        return result;
    }
}
