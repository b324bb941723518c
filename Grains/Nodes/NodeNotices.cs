using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OrleansChat.Grains.Background;
using OrleansChat.Nodes;
using OrleansChat.Telemetry;

namespace OrleansChat.Grains.Nodes;

/// <summary>
/// How grains on this silo tell every node that a room or user activated or that a user came
/// online or went offline. Each node has a <see cref="OneWayLane{T}"/>: a silo that admits many
/// connections at once (a reconnect storm activates thousands of users) sends one call per node per
/// batch instead of one per user and node. The node in this process gets its batches in memory.
/// </summary>
public sealed partial class NodeNotices(ClusterNodes nodes, IEnumerable<ILocalChatNode> localNodes, ILogger<NodeNotices> logger)
{
    /// <summary>Notices per call at most; a lane that fell further behind sends several calls.</summary>
    internal const int MaxBatch = 512;

    private static readonly Counter<long> Sent = ChatTelemetry.Meter.CreateCounter<long>(ChatMetricNames.NoticesSent, "{notice}", "Node notices (activations, presence) handed to nodes");
    private static readonly Counter<long> Calls = ChatTelemetry.Meter.CreateCounter<long>(ChatMetricNames.NoticeCalls, "{call}", "Calls that carried them to other nodes");

    private readonly ILocalChatNode? _local = localNodes.FirstOrDefault();
    private readonly ConcurrentDictionary<string, OneWayLane<NodeNotice>> _lanes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _dead = new(StringComparer.Ordinal);

    /// <summary>Queues the notice for every node of a live silo; never waits on a node.</summary>
    public async Task BroadcastAsync(NodeNotice notice)
    {
        foreach (var node in await nodes.GetAsync())
        {
            if (_lanes.TryGetValue(node.NodeId, out var lane) || TryOpen(node, out lane))
            {
                lane.Post(notice);
            }
        }
    }

    /// <summary>Closes the lanes of nodes whose silos membership declared dead.</summary>
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

    private bool TryOpen(NodeInfo node, out OneWayLane<NodeNotice> lane)
    {
        if (_dead.ContainsKey(node.NodeId))
        {
            lane = null!;
            return false;
        }

        // A node id names one silo's life, so the reference given now serves for good.
        lane = _local is not null && string.Equals(_local.NodeId, node.NodeId, StringComparison.Ordinal)
            ? _lanes.GetOrAdd(node.NodeId, _ => new OneWayLane<NodeNotice>(DeliverLocally))
            : _lanes.GetOrAdd(node.NodeId, static (_, state) => new OneWayLane<NodeNotice>(batch => state.Owner.Send(state.Node, batch)), (Owner: this, node.Node));
        return true;
    }

    private void DeliverLocally(List<NodeNotice> batch)
    {
        Sent.Add(batch.Count);
        try
        {
            _local!.Notice(batch);
        }
        catch (Exception ex)
        {
            LogSendFailed(logger, batch.Count, ex);
        }
    }

    private void Send(IChatNode node, List<NodeNotice> batch)
    {
        Sent.Add(batch.Count);
        foreach (var chunk in batch.Chunk(MaxBatch))
        {
            Calls.Add(1);
            try
            {
                // One-way: a slow node never holds up the lane. A lost notice costs a late presence
                // event or a resubscription at the node's next periodic round, nothing stored.
                node.OnNotices(chunk).Forget(logger, "Handing notices to a node");
            }
            catch (Exception ex)
            {
                LogSendFailed(logger, chunk.Length, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Handing {Count} node notice(s) to a node failed")]
    private static partial void LogSendFailed(ILogger logger, int count, Exception exception);
}
