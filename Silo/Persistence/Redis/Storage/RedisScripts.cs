namespace OrleansChat.Silo.Persistence.Redis;

/// <summary>
/// Lua scripts run atomically by Redis: no other command interleaves, which is what makes the
/// idempotency check, the seq check and the write one step.
/// </summary>
internal static class RedisScripts
{
    public const long Stored = 0;
    public const long Duplicate = 1;
    public const long SeqTaken = 2;
    public const long Gap = 3;

    /// <summary>KEYS: messages, client-ids. ARGV: seq, client key, message JSON. Returns {outcome, original JSON?}.</summary>
    public const string Append =
        """
        local existing = redis.call('HGET', KEYS[2], ARGV[2])
        if existing then
          return {1, redis.call('HGET', KEYS[1], existing)}
        end
        local last = redis.call('HLEN', KEYS[1])
        local seq = tonumber(ARGV[1])
        if seq <= last then
          return {2}
        end
        if seq > last + 1 then
          return {3}
        end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
        redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
        return {0}
        """;

    /// <summary>
    /// KEYS: messages. ARGV: 'before' or 'after', the bound seq, the limit. Returns the messages in
    /// ascending seq; the range is computed here so it is taken against one consistent room end.
    /// </summary>
    public const string Range =
        """
        local last = redis.call('HLEN', KEYS[1])
        local bound = tonumber(ARGV[2])
        local limit = tonumber(ARGV[3])
        local first, final
        if ARGV[1] == 'after' then
          first = math.max(bound, 0) + 1
          final = math.min(first + limit - 1, last)
        else
          if bound <= 0 then final = last else final = math.min(bound - 1, last) end
          first = math.max(1, final - limit + 1)
        end
        if first > final then
          return {}
        end
        local fields = {}
        for seq = first, final do
          fields[#fields + 1] = tostring(seq)
        end
        return redis.call('HMGET', KEYS[1], unpack(fields))
        """;

    /// <summary>KEYS: messages. ARGV: seq, message JSON. Returns 1 when replaced, 0 when the seq was never stored.</summary>
    public const string Replace =
        """
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
          return 0
        end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        return 1
        """;
}
