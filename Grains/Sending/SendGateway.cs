using Microsoft.Extensions.Logging;
using OrleansChat.Rooms;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace OrleansChat.Grains.Sending;

/// <summary>
/// This silo's <see cref="ISendGateway"/>. A batch comes from one node for rooms it last saw on
/// this silo; each room gets its sends as the node's own call would have (rooms that moved are
/// still reached, through the cluster). Per room in order, rooms side by side; a failed send
/// fails only itself.
/// </summary>
[Reentrant]
public sealed class SendGateway(GrainId grainId, Orleans.Runtime.Silo silo, ILoggerFactory loggerFactory, IGrainFactory grains)
    : GrainService(grainId, silo, loggerFactory), ISendGateway
{
    public async Task<SendOutcome[]> Send(SendRequest[] sends)
    {
        ArgumentNullException.ThrowIfNull(sends);
        var outcomes = new SendOutcome[sends.Length];
        var rooms = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < sends.Length; i++)
        {
            if (!rooms.TryGetValue(sends[i].RoomId, out var indexes))
            {
                rooms[sends[i].RoomId] = indexes = [];
            }

            indexes.Add(i);
        }

        await Task.WhenAll(rooms.Values.Select(indexes => SendInOrderAsync(sends, indexes, outcomes)));
        return outcomes;
    }

    private async Task SendInOrderAsync(SendRequest[] sends, List<int> indexes, SendOutcome[] outcomes)
    {
        foreach (var i in indexes)
        {
            var send = sends[i];
            try
            {
                var receipt = await grains.GetGrain<IRoomGrain>(send.RoomId).SendFromNode(send.NodeId, send.SenderId, send.ClientMsgId, send.Text);
                outcomes[i] = new SendOutcome(receipt, null);
            }
            catch (Exception ex)
            {
                // Handed back to the node, which throws it to the hub call as a single call would.
                outcomes[i] = new SendOutcome(null, ex);
            }
        }
    }
}
