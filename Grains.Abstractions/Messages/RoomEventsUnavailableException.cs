namespace OrleansChat.Messages;

/// <summary>
/// The room's event stream did not persist an event, so the call that caused it is not
/// acknowledged. The caller may retry: a message send with the same clientMsgId publishes the
/// stored message again. Not a <see cref="ChatException"/>: the request was valid, the service was not.
/// </summary>
[GenerateSerializer, Alias("chat.RoomEventsUnavailableException")]
public sealed class RoomEventsUnavailableException : Exception
{
    public RoomEventsUnavailableException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
