using System.Diagnostics;
using OrleansChat.Messages;

namespace OrleansChat.Grains.Streaming;

/// <summary>
/// One publish of one room: queued events, or a range of stored messages to read first. Its publish
/// span joins the trace of the call that handed in its first event (<see cref="Trace"/>, if any).
/// </summary>
internal sealed record RelayBatch(string RoomId, IReadOnlyList<RoomEvent> Events, RelayItem? Range, ActivityContext Trace = default);
