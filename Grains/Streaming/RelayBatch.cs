using OrleansChat.Messages;

namespace OrleansChat.Grains.Streaming;

/// <summary>One publish of one room: queued events, or a range of stored messages to read first.</summary>
internal sealed record RelayBatch(string RoomId, IReadOnlyList<RoomEvent> Events, RelayItem? Range);
