using System.Diagnostics;
using System.Diagnostics.Metrics;
using OrleansChat.Messages;
using OrleansChat.Telemetry;

namespace OrleansChat.Grains.Streaming;

/// <summary>
/// Meter <c>Orleans.Chat</c>: how far the room event relays of this process are behind the store
/// (<c>chat.stream.relay.lag</c>, events waiting), what they published, failed and dropped, and how
/// long each stream publish took. Names come from <see cref="ChatMetricNames"/>.
/// </summary>
internal static class RelayMetrics
{
    private static readonly Lock Gate = new();
    private static readonly List<RoomEventRelay> Relays = [];

    public static readonly Counter<long> Published = ChatTelemetry.Meter.CreateCounter<long>(ChatMetricNames.StreamRelayPublished, description: "Room events the relay put on their streams");
    public static readonly Counter<long> Failures = ChatTelemetry.Meter.CreateCounter<long>(ChatMetricNames.StreamRelayFailures, description: "Room batches the stream refused (tried again later)");
    public static readonly Counter<long> Dropped = ChatTelemetry.Meter.CreateCounter<long>(ChatMetricNames.StreamRelayDropped, description: "Non-message room events dropped by a full relay");

    /// <summary>One room batch's publish to its stream, by outcome.</summary>
    public static readonly Histogram<double> PublishDuration = ChatTelemetry.SecondsHistogram(ChatMetricNames.StreamPublishDuration, "Room event stream publishes (one per room batch)");

    static RelayMetrics()
    {
        ChatTelemetry.Meter.CreateObservableGauge(ChatMetricNames.StreamRelayLag, ObserveLag, description: "Room events stored and not yet on their streams");
    }

    /// <summary>
    /// One stream publish, timed (<c>chat.stream.publish.duration</c>) and traced (<c>chat.stream.publish</c>,
    /// a child of <paramref name="trace"/>: the relay publishes after the ack, so the span outlives its send's others).
    /// </summary>
    public static async Task TimedPublishAsync(Func<string, IReadOnlyList<RoomEvent>, Task> publish, string roomId, IReadOnlyList<RoomEvent> events, ActivityContext trace)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = ChatTelemetry.Source.StartActivity("chat.stream.publish", ActivityKind.Producer, trace);
        activity?.SetTag("chat.room", roomId);
        activity?.SetTag("chat.events", events.Count);
        try
        {
            await publish(roomId, events);
            RelayMetrics.PublishDuration.Record(ChatTelemetry.SecondsSince(started), new KeyValuePair<string, object?>(ChatMetricTags.Outcome, ChatMetricTags.Ok));
        }
        catch (Exception ex)
        {
            RelayMetrics.PublishDuration.Record(ChatTelemetry.SecondsSince(started), new KeyValuePair<string, object?>(ChatMetricTags.Outcome, ChatMetricTags.Failed));
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
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
