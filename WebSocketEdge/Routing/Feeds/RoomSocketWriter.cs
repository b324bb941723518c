using Microsoft.AspNetCore.SignalR;
using OrleansChat.Edge.Hubs;
using OrleansChat.Edge.Telemetry;
using OrleansChat.Messages;
using OrleansChat.Grains.Background;

namespace OrleansChat.Edge.Routing.Feeds;

/// <summary>
/// Writes room events to the SignalR group of the room (<c>r:&lt;roomId&gt;</c>): SignalR serializes
/// each once per protocol and queues it on every member connection of this node. Writes are not
/// awaited: one slow client must not hold up a shard. SignalR queues writes per connection in call
/// order, so the feed's order holds for each connection; what waits for one connection is bounded
/// by <see cref="Hosting.SlowConsumerGuard"/>.
/// </summary>
public sealed partial class RoomSocketWriter(IHubContext<ChatHub> hub, LocalRoutes routes, ILogger<RoomSocketWriter> logger)
{
    public void Write(IReadOnlyList<ChatMessage> messages)
    {
        foreach (var message in messages)
        {
            WriteMessage(message);
        }
    }

    public void Write(RoomEvent roomEvent)
    {
        var group = HubNames.RoomGroup(roomEvent.RoomId);
        var send = roomEvent switch
        {
            MessageEvent m => SendMessage(m.Message),
            MemberEvent m => hub.Clients.Group(group).SendAsync(m.Joined ? HubNames.MemberJoined : HubNames.MemberLeft, new MemberPayload(m.RoomId, m.UserId)),
            TypingEvent t => hub.Clients.GroupExcept(group, routes.ConnectionsOf(t.UserId)).SendAsync(HubNames.Typing, t),
            ReadEvent r => hub.Clients.GroupExcept(group, routes.ConnectionsOf(r.UserId)).SendAsync(HubNames.Read, r),
            MessageEditedEvent e => hub.Clients.Group(group).SendAsync(HubNames.MessageEdited, e),
            MessageDeletedEvent d => hub.Clients.Group(group).SendAsync(HubNames.MessageDeleted, d),
            ModerationEvent m => WriteModeration(group, m),
            _ => Task.CompletedTask,
        };
        Observe(send);
    }

    private void WriteMessage(ChatMessage message) => Observe(SendMessage(message));

    /// <summary>Every message reaches the room's group here, so this is where a delivery is counted.</summary>
    private Task SendMessage(ChatMessage message)
    {
        EdgeMetrics.MessageDelivered(message);
        return hub.Clients.Group(HubNames.RoomGroup(message.RoomId)).SendAsync(HubNames.Message, message);
    }

    /// <summary>A removed user's own connections get their notice from the user's node, not from the room's group.</summary>
    private Task WriteModeration(string group, ModerationEvent action)
    {
        var (name, payload) = ModerationWire.ToClient(action);
        return ModerationWire.RemovedUser(action) is { } removed
            ? hub.Clients.GroupExcept(group, routes.ConnectionsOf(removed)).SendAsync(name, payload)
            : hub.Clients.Group(group).SendAsync(name, payload);
    }

    private Action<Exception>? _sendFailed;

    /// <summary>The delegate is made once: every socket write of the node comes through here.</summary>
    private void Observe(Task send) => send.Forget(_sendFailed ??= ex => LogSendFailed(logger, ex));

    [LoggerMessage(Level = LogLevel.Debug, Message = "A socket write failed")]
    private static partial void LogSendFailed(ILogger logger, Exception exception);
}
