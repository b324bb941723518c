using OrleansChat.Messages;
using OrleansChat.Rooms;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>Sends for grain tests, which have no edge node of their own.</summary>
public static class RoomGrainSends
{
    /// <summary>A node id no room has a subscription from, so the room fans the message out to every subscribed node.</summary>
    public const string NoNode = "grain-test-caller";

    public static async Task<ChatMessage> Send(this IRoomGrain room, string senderId, string clientMsgId, string text) =>
        (await room.SendFromNode(NoNode, senderId, clientMsgId, text)).Message;
}
