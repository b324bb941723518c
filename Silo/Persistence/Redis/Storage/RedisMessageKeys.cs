using StackExchange.Redis;

namespace OrleansChat.Silo.Persistence.Redis;

/// <summary>
/// Key layout of message history. Both keys of a room carry the room id as a hash tag
/// (<c>{roomId}</c>), so a Redis Cluster puts them in one slot and the append script may touch both.
/// </summary>
public sealed class RedisMessageKeys(string prefix)
{
    /// <summary>Hash <c>seq → message JSON</c>; seqs are dense, so its length is the room's last seq.</summary>
    public RedisKey Messages(string roomId) => $"{prefix}/history/{{{roomId}}}/messages";

    /// <summary>Hash <c>senderId:clientMsgId → seq</c>: the idempotency index.</summary>
    public RedisKey ClientIds(string roomId) => $"{prefix}/history/{{{roomId}}}/client-ids";

    /// <summary>User ids cannot contain ':', so the first ':' always separates sender from clientMsgId.</summary>
    public static RedisValue ClientKey(string senderId, string clientMsgId) => $"{senderId}:{clientMsgId}";
}
