using System.Text;
using OrleansChat.Messages;
using OrleansChat.Rooms;

namespace OrleansChat.Grains.Rooms;

/// <summary>Reading a room's messages back: history pages, <c>Resume</c> bounded by bytes, and the ranges nodes fill gaps from.</summary>
public sealed partial class RoomGrain
{
    public async Task<IReadOnlyList<ChatMessage>> GetHistory(string userId, long beforeSeq, int limit)
    {
        EnsureMember(userId);
        ChatLimits.EnsureSeq(beforeSeq, "beforeSeq");
        ChatLimits.EnsureHistoryLimit(limit);
        return await store.GetBeforeAsync(RoomId, beforeSeq, limit);
    }

    public async Task<IReadOnlyList<ChatMessage>> Resume(string userId, long afterSeq)
    {
        EnsureMember(userId);
        ChatLimits.EnsureSeq(afterSeq, "afterSeq");
        return await ReadAfterWithinBytesAsync(afterSeq);
    }

    /// <summary>
    /// Up to <see cref="ChatLimits.MaxResumePage"/> messages after <paramref name="afterSeq"/>, ending
    /// before their UTF-8 size passes <see cref="ChatLimits.MaxResumeBytes"/> (at least one message).
    /// Read in slices, so a room of long messages is not read from the store a thousand at a time
    /// only to be cut down.
    /// </summary>
    private async Task<IReadOnlyList<ChatMessage>> ReadAfterWithinBytesAsync(long afterSeq)
    {
        const int Slice = 100;
        var result = new List<ChatMessage>();
        var bytes = 0L;
        while (result.Count < ChatLimits.MaxResumePage)
        {
            var slice = await store.GetAfterAsync(RoomId, afterSeq, Math.Min(Slice, ChatLimits.MaxResumePage - result.Count));
            foreach (var message in slice)
            {
                bytes += WireSize(message);
                if (bytes > ChatLimits.MaxResumeBytes && result.Count > 0)
                {
                    return result;
                }

                result.Add(message);
                afterSeq = message.Seq;
            }

            if (slice.Count < Slice)
            {
                return result;
            }
        }

        return result;
    }

    /// <summary>About what a message takes in the JSON answer: its text and ids as UTF-8 plus the field names and numbers around them.</summary>
    internal static long WireSize(ChatMessage message) =>
        Encoding.UTF8.GetByteCount(message.Text ?? "") + Encoding.UTF8.GetByteCount(message.ClientMsgId)
        + message.RoomId.Length + message.SenderId.Length + 160;

    public async Task<IReadOnlyList<ChatMessage>> GetRange(long afterSeq, long uptoSeq)
    {
        var count = (int)Math.Clamp(uptoSeq - afterSeq, 0, ChatLimits.MaxResumePage);
        return count == 0 ? [] : await store.GetAfterAsync(RoomId, afterSeq, count);
    }
}
