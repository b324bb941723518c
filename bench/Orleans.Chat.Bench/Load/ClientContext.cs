using OrleansChat.Bench.Protocol;

namespace OrleansChat.Bench.Load;

/// <summary>What every client of one worker shares.</summary>
public sealed record ClientContext(
    IChatProtocol Protocol,
    Uri Server,
    Counters Counters,
    bool BindSources,
    int PayloadBytes,
    TimeSpan CallTimeout);
