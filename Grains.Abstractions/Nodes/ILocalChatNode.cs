using OrleansChat.Messages;

namespace OrleansChat.Nodes;

/// <summary>
/// The edge node hosted in the same process as this silo, when there is one. Room grains hand it
/// their events in memory instead of through a grain call to its observer.
/// </summary>
public interface ILocalChatNode
{
    string NodeId { get; }

    /// <summary>Takes one room event for this node's connections; must not block (the caller is a grain turn).</summary>
    void Deliver(RoomEvent roomEvent);

    /// <summary>Takes notices meant for every node; must not block.</summary>
    void Notice(IReadOnlyList<NodeNotice> notices);
}
