using OrleansChat.Messages;

namespace OrleansChat.Edge.Routing.Feeds;

/// <summary>What a <see cref="RoomFeed"/> asks of the world; it never calls a grain or a socket itself.</summary>
public interface IFeedOutput
{
    /// <summary>Writes messages (already in seq order) to the room's local connections.</summary>
    void Write(IReadOnlyList<ChatMessage> messages);

    /// <summary>Writes an event other than a message to the room's local connections.</summary>
    void Write(RoomEvent roomEvent);

    /// <summary>Starts fetching (<paramref name="afterSeq"/>, <paramref name="uptoSeq"/>] from the room; the answer comes back through <see cref="RoomFeed.OnRange"/>.</summary>
    void Fetch(RoomFeed feed, long afterSeq, long uptoSeq);

    /// <summary>Runs <see cref="RoomFeed.CheckGap"/> once the usual overtaking had time to settle.</summary>
    void CheckGapLater(RoomFeed feed);
}
