namespace OrleansChat.Messages;

public enum ChatErrorCode
{
    BadRequest = 0,
    NotMember = 1,
    RateLimited = 2,
    NotFound = 3,
    Forbidden = 4,

    /// <summary>A direct room whose two users are not both members yet.</summary>
    DirectRoomIncomplete = 5,

    /// <summary>A room at its member limit, or a user at the limit of rooms they may be in.</summary>
    LimitReached = 6,

    /// <summary>Something that may exist only once already does (a room created twice).</summary>
    Conflict = 7,
}

/// <summary>
/// A request the chat refused (bad input, not a member, rate limit). Its message is meant for the
/// client and the hub passes it on unchanged; anything else is reported as an internal error.
/// </summary>
[GenerateSerializer, Alias("chat.ChatException")]
public sealed class ChatException : Exception
{
    public ChatException(string message, ChatErrorCode code = ChatErrorCode.BadRequest) : base(message)
    {
        Code = code;
    }

    [Id(0)]
    public ChatErrorCode Code { get; private set; }

    public static ChatException NotMember(string roomId) => new($"not a member of room {roomId}", ChatErrorCode.NotMember);
}
