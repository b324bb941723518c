using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using OrleansChat.Messages;
using OrleansChat.Nodes;
using OrleansChat.Telemetry;
using OrleansChat.Grains.Background;

namespace OrleansChat.Grains.Nodes;

/// <summary>
/// How room grains on this silo reach edge nodes. The node in this process (if any) gets each event
/// in memory. Every other node has a <see cref="OneWayLane{T}"/>: events queue there in the order
/// the rooms hand them in and go as one one-way call per batch, so the cost per event falls as load
/// rises instead of the queue growing.
/// </summary>
public sealed partial class NodeOutbox(IEnumerable<ILocalChatNode> localNodes, ILogger<NodeOutbox> logger)
{
    /// <summary>Events per call at most; a lane that fell further behind sends several calls.</summary>
    internal const int MaxBatch = 256;

    /// <summary>Events handed to other nodes and the calls that carried them; their ratio is the batch size.</summary>
    private static readonly Counter<long> RemoteEvents = ChatTelemetry.Meter.CreateCounter<long>(ChatMetricNames.FanoutRemoteEvents, "{event}", "Room events sent to other edge nodes");
    private static readonly Counter<long> RemoteCalls = ChatTelemetry.Meter.CreateCounter<long>(ChatMetricNames.FanoutRemoteCalls, "{call}", "Grain calls that carried them");
    private static readonly Histogram<int> BatchSize = ChatTelemetry.Meter.CreateHistogram(ChatMetricNames.FanoutBatchSize, "{event}", "Room events per call to another node", tags: null,
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });

    private readonly ILogger<NodeOutbox> _logger = logger;
    private readonly ILocalChatNode? _local = localNodes.FirstOrDefault();
    private readonly ConcurrentDictionary<string, OneWayLane<RoomEvent>> _lanes = new(StringComparer.Ordinal);

    /// <summary>Nodes whose silos membership declared dead: no lane is ever made for them again.</summary>
    private readonly ConcurrentDictionary<string, byte> _dead = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="nodeId"/> is the node in this process, which gets events in memory.</summary>
    public bool IsLocal(string nodeId) => _local is not null && string.Equals(_local.NodeId, nodeId, StringComparison.Ordinal);

    /// <summary>
    /// Queues <paramref name="roomEvent"/> for the node; never waits on it. False when membership
    /// declared the node's silo dead: the caller stops fanning out to it.
    /// </summary>
    public bool Post(string nodeId, IChatNode node, RoomEvent roomEvent)
    {
        if (IsLocal(nodeId))
        {
            _local!.Deliver(roomEvent);
            return true;
        }

        if (!_lanes.TryGetValue(nodeId, out var lane))
        {
            if (_dead.ContainsKey(nodeId))
            {
                return false;
            }

            // A node id names one silo's life, so the reference given with its first event serves for good.
            lane = _lanes.GetOrAdd(nodeId, static (_, state) => new OneWayLane<RoomEvent>(batch => state.Owner.Send(state.Node, batch)), (Owner: this, Node: node));
        }

        return lane.Post(roomEvent);
    }

    /// <summary>
    /// Closes the lanes of nodes whose silos membership declared dead, dropping what they still
    /// held: a dead node has no sockets, and its clients resume from the store on another node.
    /// </summary>
    public void Forget(IReadOnlySet<string> deadNodeIds)
    {
        foreach (var nodeId in deadNodeIds)
        {
            _dead.TryAdd(nodeId, 0);
            if (_lanes.TryRemove(nodeId, out var lane))
            {
                lane.Close();
            }
        }
    }

    /// <summary>One call per <see cref="MaxBatch"/> events; one-way, so a slow or dead node never holds up the lane (its feed fills gaps from the room).</summary>
    private void Send(IChatNode node, List<RoomEvent> batch)
    {
        RemoteEvents.Add(batch.Count);
        for (var start = 0; start < batch.Count; start += MaxBatch)
        {
            var count = Math.Min(MaxBatch, batch.Count - start);
            RemoteCalls.Add(1);
            BatchSize.Record(count);
            try
            {
                var call = count == 1 ? node.OnRoomEvent(batch[start]) : node.OnRoomEvents(CollectionsMarshal.AsSpan(batch).Slice(start, count).ToArray());
                call.Forget(_logger, "Handing room events to a node");
            }
            catch (Exception ex)
            {
                LogSendFailed(_logger, count, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Handing {Count} room event(s) to a node failed; its feed fills the gap from the room")]
    private static partial void LogSendFailed(ILogger logger, int count, Exception exception);
}
