using System.Diagnostics.Metrics;
using OrleansChat.Messages;
using OrleansChat.Telemetry;

namespace OrleansChat.Edge.Telemetry;

/// <summary>The edge's instruments: connections, hub calls, sends and deliveries (names in <see cref="ChatMetricNames"/>).</summary>
internal static class EdgeMetrics
{
    /// <summary>Close reasons: the client closed the connection.</summary>
    public const string ClosedByClient = "client";

    /// <summary>The transport failed (network gone, keep-alive timed out).</summary>
    public const string ClosedByError = "error";

    /// <summary>The node cut the connection on purpose: a drain, or a connect step that could not complete.</summary>
    public const string ClosedByNode = "dropped";

    /// <summary>The node cut the connection because its client fell too far behind (<see cref="Hosting.SlowConsumerGuard"/>).</summary>
    public const string ClosedSlowConsumer = "slow_consumer";

    /// <summary>Refusal reasons: the node holds its maximum of connections.</summary>
    public const string RefusedNodeFull = "node_full";

    /// <summary>The user holds their maximum of connections on this node.</summary>
    public const string RefusedUserLimit = "user_limit";

    /// <summary>The node is admitting as many connections as it can serve at once, and its queue is full.</summary>
    public const string RefusedBusy = "busy";

    /// <summary>The user opens connections faster than the per-user connect rate allows.</summary>
    public const string RefusedConnectRate = "connect_rate";

    /// <summary>The node is draining and takes no new connections.</summary>
    public const string RefusedDraining = "draining";

    private static readonly UpDownCounter<long> Current = ChatTelemetry.Meter.CreateUpDownCounter<long>(ChatMetricNames.ConnectionsCurrent, "{connection}", "Hub connections open on this node");
    private static readonly Counter<long> Opened = ChatTelemetry.Meter.CreateCounter<long>(ChatMetricNames.ConnectionsOpened, "{connection}", "Hub connections opened");
    private static readonly Counter<long> Closed = ChatTelemetry.Meter.CreateCounter<long>(ChatMetricNames.ConnectionsClosed, "{connection}", "Hub connections closed, by reason");
    private static readonly Counter<long> Refused = ChatTelemetry.Meter.CreateCounter<long>(ChatMetricNames.ConnectionsRefused, "{connection}", "Connection attempts refused before opening, by reason");
    private static readonly Counter<long> Sent = ChatTelemetry.Meter.CreateCounter<long>(ChatMetricNames.MessagesSent, "{message}", "Messages acknowledged to their senders");
    private static readonly Counter<long> Delivered = ChatTelemetry.Meter.CreateCounter<long>(ChatMetricNames.MessagesDelivered, "{message}", "Messages handed to this node's connections of their room");
    private static readonly Histogram<double> DeliveryLatency = ChatTelemetry.SecondsHistogram(ChatMetricNames.DeliveryLatency, "From a message's store time to its hand-over to this node's sockets");

    public static void ConnectionOpened()
    {
        Current.Add(1);
        Opened.Add(1);
    }

    public static void ConnectionClosed(string reason)
    {
        Current.Add(-1);
        Closed.Add(1, new KeyValuePair<string, object?>(ChatMetricTags.Reason, reason));
    }

    public static void ConnectionRefused(string reason) => Refused.Add(1, new KeyValuePair<string, object?>(ChatMetricTags.Reason, reason));

    public static void MessageSent() => Sent.Add(1);

    /// <summary>
    /// <c>sentAt</c> is the storing silo's clock (whole milliseconds), so across machines this reads
    /// true only as far as their clocks agree; a negative difference counts as zero.
    /// </summary>
    public static void MessageDelivered(ChatMessage message)
    {
        Delivered.Add(1);
        if (DeliveryLatency.Enabled)
        {
            DeliveryLatency.Record(Math.Max(0, (DateTimeOffset.UtcNow - message.SentAt).TotalSeconds));
        }
    }
}
