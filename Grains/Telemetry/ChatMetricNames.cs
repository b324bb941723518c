namespace OrleansChat.Telemetry;

/// <summary>
/// The name of every instrument on the <see cref="ChatTelemetry.MeterName"/> meter, in one place:
/// docs/operations.md lists the same names and a test keeps the two equal. Prometheus sees each with
/// dots turned into underscores, the unit appended (<c>_seconds</c>) and <c>_total</c> on counters.
/// </summary>
public static class ChatMetricNames
{
    /// <summary>Hub connections open on this node (up-down counter).</summary>
    public const string ConnectionsCurrent = "chat.connections.current";

    /// <summary>Hub connections opened (counter).</summary>
    public const string ConnectionsOpened = "chat.connections.opened";

    /// <summary>Hub connections closed, by <see cref="ChatMetricTags.Reason"/> (counter).</summary>
    public const string ConnectionsClosed = "chat.connections.closed";

    /// <summary>Connection attempts refused before they opened, by <see cref="ChatMetricTags.Reason"/> (counter).</summary>
    public const string ConnectionsRefused = "chat.connections.refused";

    /// <summary>Hub method calls by method, outcome and reason (counter).</summary>
    public const string HubCalls = "chat.hub.calls";

    /// <summary>Time from a hub call's arrival to its answer, by method and outcome (histogram, seconds); for sends this is send→ack.</summary>
    public const string HubCallDuration = "chat.hub.call.duration";

    /// <summary>Messages acknowledged to their senders on this node (counter).</summary>
    public const string MessagesSent = "chat.messages.sent";

    /// <summary>Messages handed to this node's connections of their room, once per room and node (counter).</summary>
    public const string MessagesDelivered = "chat.messages.delivered";

    /// <summary>From a message's store time (<c>sentAt</c>) to its hand-over to this node's sockets (histogram, seconds): send→deliver.</summary>
    public const string DeliveryLatency = "chat.messages.delivery.latency";

    /// <summary>Message store calls by operation and outcome (histogram, seconds; its count is the call rate).</summary>
    public const string StoreDuration = "chat.store.duration";

    /// <summary>Room event stream publishes by outcome (histogram, seconds).</summary>
    public const string StreamPublishDuration = "chat.stream.publish.duration";

    /// <summary>Room events stored and not yet on their streams, summed over this process's relays (gauge).</summary>
    public const string StreamRelayLag = "chat.stream.relay.lag";

    /// <summary>Room events the relays put on their streams (counter).</summary>
    public const string StreamRelayPublished = "chat.stream.relay.published";

    /// <summary>Room batches the stream refused, tried again later (counter).</summary>
    public const string StreamRelayFailures = "chat.stream.relay.failures";

    /// <summary>Non-message room events dropped by a full relay (counter).</summary>
    public const string StreamRelayDropped = "chat.stream.relay.dropped";

    /// <summary>Room events handed to other edge nodes (counter).</summary>
    public const string FanoutRemoteEvents = "chat.fanout.remote_events";

    /// <summary>Grain calls that carried them (counter).</summary>
    public const string FanoutRemoteCalls = "chat.fanout.remote_calls";

    /// <summary>Room events per call of a node lane (histogram).</summary>
    public const string FanoutBatchSize = "chat.fanout.batch_size";

    /// <summary>Sends a node handed to a silo's send gateway in a call shared with other sends (counter).</summary>
    public const string SendBatched = "chat.send.batched";

    /// <summary>Calls to send gateways that carried them (counter).</summary>
    public const string SendBatchCalls = "chat.send.batch_calls";

    /// <summary>Grain and node calls this process made, by <see cref="ChatMetricTags.Interface"/> and method (counter).</summary>
    public const string GrainCalls = "chat.grain.calls";

    /// <summary>Node notices (room and user activations, presence changes) handed to nodes, this node included (counter).</summary>
    public const string NoticesSent = "chat.notices.sent";

    /// <summary>Calls that carried node notices to other nodes; notices ÷ calls rises with the batch size (counter).</summary>
    public const string NoticeCalls = "chat.notices.calls";
}
