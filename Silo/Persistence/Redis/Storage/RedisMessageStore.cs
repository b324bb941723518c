using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrleansChat.Messages;
using OrleansChat.Storage;
using StackExchange.Redis;

namespace OrleansChat.Silo.Persistence.Redis;

/// <summary>
/// History in Redis: per room a hash of messages by seq and a hash of seqs by idempotency key (see
/// <see cref="RedisMessageKeys"/>). Appends and range reads are Lua scripts, so each is one atomic step.
/// </summary>
public sealed partial class RedisMessageStore(RedisConnection connection, RedisMessageKeys keys, ILogger<RedisMessageStore> logger)
    : IMessageStore
{
    public async Task<AppendResult> AppendAsync(ChatMessage message, CancellationToken cancellationToken = default)
    {
        var db = await DatabaseAsync(cancellationToken);
        var result = await db.ScriptEvaluateAsync(
            RedisScripts.Append,
            [keys.Messages(message.RoomId), keys.ClientIds(message.RoomId)],
            [message.Seq, RedisMessageKeys.ClientKey(message.SenderId, message.ClientMsgId), Serialize(message)]);

        var reply = (RedisResult[]?)result ?? [];
        var outcome = reply.Length > 0 ? (long)reply[0] : -1;
        switch (outcome)
        {
            case RedisScripts.Stored:
                return new AppendResult(AppendOutcome.Stored, message);
            case RedisScripts.Duplicate:
                return new AppendResult(AppendOutcome.Duplicate, Deserialize((RedisValue)reply[1]));
            case RedisScripts.SeqTaken:
                LogSeqTaken(logger, message.RoomId, message.Seq);
                return new AppendResult(AppendOutcome.SeqTaken, null);
            case RedisScripts.Gap:
                throw new InvalidOperationException($"seq {message.Seq} of room {message.RoomId} would leave a gap");
            default:
                throw new InvalidOperationException($"the append script answered {result} for room {message.RoomId}");
        }
    }

    public async Task<long> GetLastSeqAsync(string roomId, CancellationToken cancellationToken = default)
    {
        var db = await DatabaseAsync(cancellationToken);
        return await db.HashLengthAsync(keys.Messages(roomId));
    }

    public Task<IReadOnlyList<ChatMessage>> GetBeforeAsync(string roomId, long beforeSeq, int limit, CancellationToken cancellationToken = default) =>
        RangeAsync(roomId, "before", beforeSeq, limit, cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> GetAfterAsync(string roomId, long afterSeq, int limit, CancellationToken cancellationToken = default) =>
        RangeAsync(roomId, "after", afterSeq, limit, cancellationToken);

    public async Task<ChatMessage?> GetAsync(string roomId, long seq, CancellationToken cancellationToken = default)
    {
        var db = await DatabaseAsync(cancellationToken);
        var value = await db.HashGetAsync(keys.Messages(roomId), seq);
        return value.IsNull ? null : Deserialize(value);
    }

    public async Task ReplaceAsync(ChatMessage message, CancellationToken cancellationToken = default)
    {
        var db = await DatabaseAsync(cancellationToken);
        var replaced = await db.ScriptEvaluateAsync(RedisScripts.Replace, [keys.Messages(message.RoomId)], [message.Seq, Serialize(message)]);
        if ((long)replaced != 1)
        {
            throw new KeyNotFoundException($"room {message.RoomId} has no message {message.Seq}");
        }
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var db = await DatabaseAsync(cancellationToken);
            await db.PingAsync();
            return true;
        }
        catch (RedisException ex)
        {
            LogPingFailed(logger, ex);
            return false;
        }
    }

    private async Task<IReadOnlyList<ChatMessage>> RangeAsync(string roomId, string direction, long bound, int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            return [];
        }

        var db = await DatabaseAsync(cancellationToken);
        var result = await db.ScriptEvaluateAsync(RedisScripts.Range, [keys.Messages(roomId)], [direction, bound, limit]);
        var values = (RedisValue[]?)result ?? [];
        var messages = new List<ChatMessage>(values.Length);
        foreach (var value in values)
        {
            // Seqs are dense, so a hole can only be a message removed behind the store's back.
            if (!value.IsNull)
            {
                messages.Add(Deserialize(value));
            }
        }

        return messages;
    }

    private async Task<IDatabase> DatabaseAsync(CancellationToken cancellationToken) =>
        (await connection.GetAsync(cancellationToken)).GetDatabase();

    private static string Serialize(ChatMessage message) => JsonSerializer.Serialize(message, RedisMessageJson.Default.ChatMessage);

    private static ChatMessage Deserialize(RedisValue value) =>
        JsonSerializer.Deserialize((string?)value ?? "null", RedisMessageJson.Default.ChatMessage)
        ?? throw new InvalidOperationException("a stored message is empty");

    [LoggerMessage(Level = LogLevel.Debug, Message = "Room {RoomId}: seq {Seq} is already taken in Redis")]
    private static partial void LogSeqTaken(ILogger logger, string roomId, long seq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis did not answer a ping")]
    private static partial void LogPingFailed(ILogger logger, Exception exception);
}
