using System.Diagnostics;
using OrleansChat.Messages;

namespace OrleansChat.Grains.Streaming;

/// <summary>
/// One entry of a room's relay queue: an event to publish as it is, or a range of the room's
/// stored messages (<see cref="After"/>, <see cref="Upto"/>] that the relay reads from the message
/// store when its turn comes (a room resuming after a crash, or a queue that outgrew its bound).
/// </summary>
internal sealed class RelayItem
{
    private RelayItem(RoomEvent? roomEvent, long after, long upto)
    {
        Event = roomEvent;
        After = after;
        Upto = upto;
    }

    public RoomEvent? Event { get; }

    /// <summary>For a range: every message up to this seq has been published.</summary>
    public long After { get; set; }

    public long Upto { get; set; }

    /// <summary>The traced call that handed the event in (none for ranges): its publish span joins that trace.</summary>
    public ActivityContext Trace { get; private init; }

    public bool IsRange => Event is null;

    /// <summary>Events this entry stands for: one, or the messages left in the range.</summary>
    public long Count => IsRange ? Upto - After : 1;

    /// <summary>The lowest message seq this entry still has to publish, if it carries messages.</summary>
    public long? FirstSeq => Event switch
    {
        null => After + 1,
        MessageEvent m => m.Message.Seq,
        _ => null,
    };

    public static RelayItem Of(RoomEvent roomEvent) => new(roomEvent, 0, 0) { Trace = Activity.Current?.Context ?? default };

    public static RelayItem Range(long after, long upto) => new(null, after, upto);
}
