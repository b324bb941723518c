using System.Diagnostics.Metrics;

namespace OrleansChat.Grains.Streaming;

/// <summary>
/// Meter <c>Orleans.Chat</c>: how far the room event relays of this process are behind the store
/// (<c>chat.stream.relay.lag</c>, events waiting) and what they published, failed and dropped.
/// </summary>
internal static class RelayMetrics
{
    private static readonly Meter Meter = new("Orleans.Chat");
    private static readonly Lock Gate = new();
    private static readonly List<RoomEventRelay> Relays = [];

    public static readonly Counter<long> Published = Meter.CreateCounter<long>("chat.stream.relay.published", description: "Room events the relay put on their streams");
    public static readonly Counter<long> Failures = Meter.CreateCounter<long>("chat.stream.relay.failures", description: "Room batches the stream refused (tried again later)");
    public static readonly Counter<long> Dropped = Meter.CreateCounter<long>("chat.stream.relay.dropped", description: "Non-message room events dropped by a full relay");

    static RelayMetrics()
    {
        Meter.CreateObservableGauge("chat.stream.relay.lag", ObserveLag, description: "Room events stored and not yet on their streams");
    }

    public static void Track(RoomEventRelay relay)
    {
        lock (Gate)
        {
            Relays.Add(relay);
        }
    }

    public static void Untrack(RoomEventRelay relay)
    {
        lock (Gate)
        {
            Relays.Remove(relay);
        }
    }

    private static long ObserveLag()
    {
        lock (Gate)
        {
            return Relays.Sum(r => r.Lag);
        }
    }
}
