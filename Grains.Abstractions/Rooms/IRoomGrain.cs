using OrleansChat.Messages;
using OrleansChat.Nodes;
using Orleans.Concurrency;

namespace OrleansChat.Rooms;

[GenerateSerializer, Immutable, Alias("chat.JoinResult")]
public sealed record JoinResult(
    [property: Id(0)] string RoomId,
    [property: Id(1)] long LastSeq,
    [property: Id(2)] IReadOnlyList<string> Members,
    [property: Id(3)] string? Role = null);

/// <summary>
/// The answer to <see cref="IRoomGrain.SendFromNode"/>: the stored message, and whether the calling
/// node is to deliver it to its own connections (the room left that node out of its fan-out), and
/// the silo the room is active on (its parsable address): the node batches its
/// next sends to rooms of that silo through the silo's <see cref="ISendGateway"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("chat.SendReceipt")]
public sealed record SendReceipt([property: Id(0)] ChatMessage Message, [property: Id(1)] bool ForCallerNode, [property: Id(2)] string? Silo = null);

/// <summary>What a node learns when it subscribes to a room: where the room's sequence stands now.</summary>
[GenerateSerializer, Immutable, Alias("chat.RoomSubscription")]
public sealed record RoomSubscription([property: Id(0)] string RoomId, [property: Id(1)] long LastSeq);

/// <summary>
/// A chat room, keyed by room id. Its moderation methods (roles, invites, kicks, bans, mutes) are
/// in <see cref="IRoomModeration"/>. It owns membership, assigns sequence numbers and fans events out
/// to the edge nodes that hold connections of its members: one call per node, never per member.
/// </summary>
[Alias("chat.IRoomGrain")]
public interface IRoomGrain : IGrainWithStringKey, IRoomModeration
{
    /// <summary>Adds a member (idempotent) and tells the room.</summary>
    [Alias("Join")]
    Task<JoinResult> Join(string userId);

    [Alias("Leave")]
    Task Leave(string userId);

    [ReadOnly, Alias("IsMember")]
    Task<bool> IsMember(string userId);

    /// <summary>
    /// The first <paramref name="limit"/> members by id and whether each is online, for a member who
    /// asks. Asked of the nodes subscribed to the room (those hold every connected member's
    /// connections), one call per node: no member's grain is activated.
    /// </summary>
    [ReadOnly, Alias("GetPresence")]
    Task<IReadOnlyList<MemberPresence>> GetPresence(string userId, int limit);

    [ReadOnly, Alias("GetLastSeq")]
    Task<long> GetLastSeq();

    /// <summary>
    /// Stores a message sent from a hub on edge node <paramref name="nodeId"/> and delivers it.
    /// Idempotent on (sender, clientMsgId): a repeat returns the message stored the first time.
    /// Returns once the message store acknowledged the write; live delivery and the room's event
    /// stream follow without being waited for. Interleaves with the room's other calls (seqs are
    /// still assigned one at a time). When that node is subscribed and not on the room's silo, the
    /// room leaves it out of the fan-out and the answer carries its copy
    /// (<see cref="SendReceipt.ForCallerNode"/>): one message between silos fewer, and each message
    /// reaches each node exactly one way.
    /// </summary>
    [AlwaysInterleave, Alias("SendFromNode")]
    Task<SendReceipt> SendFromNode(string nodeId, string senderId, string clientMsgId, string text);

    /// <summary>Up to <paramref name="limit"/> messages with seq below <paramref name="beforeSeq"/> (0 = newest), ascending.</summary>
    [ReadOnly, Alias("GetHistory")]
    Task<IReadOnlyList<ChatMessage>> GetHistory(string userId, long beforeSeq, int limit);

    /// <summary>Every message after <paramref name="afterSeq"/>, ascending, at most <see cref="ChatLimits.MaxResumePage"/>.</summary>
    [ReadOnly, Alias("Resume")]
    Task<IReadOnlyList<ChatMessage>> Resume(string userId, long afterSeq);

    [Alias("Typing")]
    Task Typing(string userId);

    [Alias("MarkRead")]
    Task MarkRead(string userId, long seq);

    [Alias("Edit")]
    Task<ChatMessage> Edit(string userId, long seq, string text);

    [Alias("Delete")]
    Task Delete(string userId, long seq);

    /// <summary>Registers an edge node for this room's events until it unsubscribes or stops answering.</summary>
    [Alias("Subscribe")]
    Task<RoomSubscription> Subscribe(string nodeId, IChatNode node);

    [Alias("Unsubscribe")]
    Task Unsubscribe(string nodeId);

    /// <summary>Messages in (<paramref name="afterSeq"/>, <paramref name="uptoSeq"/>] for a subscribed node filling a gap.</summary>
    [ReadOnly, Alias("GetRange")]
    Task<IReadOnlyList<ChatMessage>> GetRange(long afterSeq, long uptoSeq);
}
