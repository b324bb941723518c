using Microsoft.Extensions.Logging;
using Orleans.Chat.Messages;
using Orleans.Runtime;
using Orleans.Streams;

namespace Orleans.Chat.Grains.Rooms;

/// <summary>
/// Publishes a room's events on its stream (<see cref="ChatNames.StreamProvider"/>, namespace
/// <see cref="ChatNames.RoomEventsNamespace"/>, key = room id). The grain does not know which
/// provider runs; whatever the provider's failure, the caller sees one clear exception and the
/// operation that produced the event is not acknowledged.
/// </summary>
internal sealed partial class RoomEventPublisher(Grain grain, string roomId, ILogger logger)
{
    private IAsyncStream<RoomEvent>? _stream;

    public async Task PublishAsync(RoomEvent roomEvent)
    {
        _stream ??= grain.GetStreamProvider(ChatNames.StreamProvider)
            .GetStream<RoomEvent>(StreamId.Create(ChatNames.RoomEventsNamespace, roomId));
        try
        {
            await _stream.OnNextAsync(roomEvent);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The provider's own exception may not travel to the client; its message goes into ours.
            LogPublishFailed(logger, roomId, roomEvent.GetType().Name, ex);
            throw new RoomEventsUnavailableException(
                $"room {roomId}: the event stream did not persist the {Describe(roomEvent)} ({ex.Message}); not acknowledged, retry later");
        }
    }

    private static string Describe(RoomEvent roomEvent) => roomEvent switch
    {
        MessageEvent m => $"message {m.Message.Seq}",
        MemberEvent { Joined: true } => "join",
        MemberEvent => "leave",
        MessageEditedEvent e => $"edit of message {e.Seq}",
        MessageDeletedEvent d => $"deletion of message {d.Seq}",
        _ => "event",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {RoomId}: publishing {EventType} on the room event stream failed")]
    private static partial void LogPublishFailed(ILogger logger, string roomId, string eventType, Exception exception);
}
