using System.Collections.Concurrent;

namespace OrleansChat.Bench.Load;

public enum Counter
{
    Connected,
    ConnectFailed,
    Sent,
    Acked,
    SendErrors,
    Delivered,
    Resumed,
    Duplicates,
    OutOfOrder,

    /// <summary>The part of <see cref="OutOfOrder"/> that broke the room's seq order (only stacks with a room seq).</summary>
    SeqOutOfOrder,
    SenderGaps,
    SeqGaps,
    Skipped,
    Reconnects,
    ReconnectFailed,
    ClosedByServer,
}

/// <summary>One worker's running totals, histograms and error tally; shipped to the coordinator once a second.</summary>
public sealed class Counters
{
    private readonly long[] _values = new long[Enum.GetValues<Counter>().Length];
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);

    public Histogram AckLatency { get; } = new();

    public Histogram DeliverLatency { get; } = new();

    public Histogram ConnectLatency { get; } = new();

    public void Add(Counter counter, long value = 1) => Interlocked.Add(ref _values[(int)counter], value);

    public long this[Counter counter] => Volatile.Read(ref _values[(int)counter]);

    /// <summary>
    /// Counts an error under a short kind: the server's reason when SignalR wraps one ("An unexpected
    /// error occurred invoking 'X' on the server. HubException: reason"), digits dropped, so
    /// "retry in 1.2 s" and "retry in 0.4 s" are one kind.
    /// </summary>
    public void Error(string where, string message)
    {
        const string Wrapped = "HubException: ";
        var at = message.IndexOf(Wrapped, StringComparison.Ordinal);
        var reason = at >= 0 ? message[(at + Wrapped.Length)..] : message;
        var kind = where + ": " + new string(reason.Where(c => !char.IsDigit(c)).Take(60).ToArray()).Trim();
        _errors.AddOrUpdate(kind, 1, (_, n) => n + 1);
    }

    public Dictionary<string, long> Totals() => Enum.GetValues<Counter>().ToDictionary(c => c.ToString(), c => this[c]);

    public Dictionary<string, long> Errors() => new(_errors);
}
