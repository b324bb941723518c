using StackExchange.Redis;

namespace OrleansChat.Silo.Persistence.Redis;

/// <summary>
/// The one Redis connection of this process. Grain state and message history share it because a
/// multiplexer is built to carry every caller of a process; one per provider only multiplies sockets.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private IConnectionMultiplexer? _multiplexer;

    public RedisConnection(string connectionString)
    {
        Configuration = ConfigurationOptions.Parse(connectionString);

        ApplyReconnectPolicy(Configuration);

        // While Redis is unreachable, fail a store call at once instead of queueing it for up to the
        // 5 s command timeout: queued calls hold a room's append gate, the sends behind them pile up
        // past the grain call's own timeout, and users are told "no answer from the cluster" after
        // 10 s instead of "message store unavailable, retry in 2 s" right away. A restarted Redis is
        // found within about a second (above), so nothing is gained by waiting longer.
        Configuration.BacklogPolicy = BacklogPolicy.FailFast;

        // Replies are read on the process's thread pool instead of the client's own reader threads:
        // every store call otherwise pays two extra thread wake-ups (reader thread, then the pool),
        // which on a small machine cost more than the Redis work (bench/README.md, "Second pass").
        Configuration.SocketManager = SocketManager.ThreadPool;
    }

    /// <summary>
    /// How every Redis client of the node rides out a Redis restart. It keeps reconnecting in the
    /// background instead of failing the first caller for good, and it retries often: the client's
    /// default backs off exponentially to 10 s between attempts, so a Redis that was down for a few
    /// seconds could wait that long to be noticed; here a restarted Redis is found within about a
    /// second (one heartbeat plus at most 1 s of back-off).
    /// </summary>
    public static void ApplyReconnectPolicy(ConfigurationOptions options)
    {
        options.AbortOnConnectFail = false;
        options.ReconnectRetryPolicy = new ExponentialRetry(deltaBackOffMilliseconds: 250, maxDeltaBackOffMilliseconds: 1000);
    }

    /// <summary>The parsed configuration; its <c>ToString(includePassword: false)</c> is safe to log.</summary>
    public ConfigurationOptions Configuration { get; }

    public async Task<IConnectionMultiplexer> GetAsync(CancellationToken cancellationToken = default)
    {
        if (_multiplexer is { } existing)
        {
            return existing;
        }

        await _connectGate.WaitAsync(cancellationToken);
        try
        {
            _multiplexer ??= await ConnectionMultiplexer.ConnectAsync(Configuration);
            return _multiplexer;
        }
        finally
        {
            _connectGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is { } multiplexer)
        {
            await multiplexer.CloseAsync();
            multiplexer.Dispose();
        }

        _connectGate.Dispose();
    }
}
