using OrleansChat.Messages;

namespace OrleansChat.Storage;

public enum AppendOutcome
{
    /// <summary>The message is durably stored.</summary>
    Stored,

    /// <summary>(room, sender, clientMsgId) was stored before; <see cref="AppendResult.Message"/> is that message.</summary>
    Duplicate,

    /// <summary>Another message already holds this seq: the writer's view of the room is stale.</summary>
    SeqTaken,
}

public readonly record struct AppendResult(AppendOutcome Outcome, ChatMessage? Message);

/// <summary>
/// Message history, kept out of grain state. Implementations must make (roomId, seq) and
/// (roomId, senderId, clientMsgId) unique atomically, so no race can store a message twice.
/// </summary>
public interface IMessageStore
{
    Task<AppendResult> AppendAsync(ChatMessage message, CancellationToken cancellationToken = default);

    /// <summary>The highest stored seq of the room, 0 when it has none.</summary>
    Task<long> GetLastSeqAsync(string roomId, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> messages with seq &lt; <paramref name="beforeSeq"/> (0 = newest), ascending.</summary>
    Task<IReadOnlyList<ChatMessage>> GetBeforeAsync(string roomId, long beforeSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> messages with seq &gt; <paramref name="afterSeq"/>, ascending.</summary>
    Task<IReadOnlyList<ChatMessage>> GetAfterAsync(string roomId, long afterSeq, int limit, CancellationToken cancellationToken = default);

    Task<ChatMessage?> GetAsync(string roomId, long seq, CancellationToken cancellationToken = default);

    /// <summary>Replaces a stored message (edit or delete); the seq and idempotency key stay.</summary>
    Task ReplaceAsync(ChatMessage message, CancellationToken cancellationToken = default);

    /// <summary>Whether the store answers; used by the health check.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken = default);
}
