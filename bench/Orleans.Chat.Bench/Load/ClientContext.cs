using Orleans.Chat.Bench.Protocol;

namespace Orleans.Chat.Bench.Load;

/// <summary>What every client of one worker shares.</summary>
public sealed record ClientContext(
    IChatProtocol Protocol,
    Uri Server,
    Counters Counters,
    bool BindSources,
    int PayloadBytes,
    TimeSpan CallTimeout);
