using OrleansChat.Messages;
using OrleansChat.Rooms;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansChat.Grains.Rooms;

/// <summary>
/// The room event stream's consumer: every room's stream activates one of these (implicit
/// subscription), which keeps the room's activity counters in grain storage. It sees the stream
/// only, never the room grain, so its numbers show what the stream delivered. Delivery is at least
/// once: messages are de-duplicated by seq and joins/leaves by the member set, so a redelivery
/// after a receiver restart changes nothing; edits and deletes are counted per delivery.
/// Counters are written at most every <see cref="FlushEvery"/> and on deactivation, not per event:
/// a busy room would otherwise add a storage write to every message. A crash can lose the last
/// interval's counts (the stream's offsets are already committed).
/// Placed on the silo that first delivers to it: with silo-local streams that is the room's own
/// silo (its relay publishes there and that silo's agents deliver), so delivery crosses no silo.
/// </summary>
[ImplicitStreamSubscription(ChatNames.RoomEventsNamespace)]
[PreferLocalPlacement]
public sealed class RoomActivityGrain(
    [PersistentState("activity", ChatNames.GrainStorage)] IPersistentState<RoomActivityState> state,
    TimeProvider time) : Grain, IRoomActivityGrain
{
    public static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(2);

    private IGrainTimer? _flush;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stream = this.GetStreamProvider(ChatNames.StreamProvider)
            .GetStream<RoomEvent>(StreamId.Create(ChatNames.RoomEventsNamespace, this.GetPrimaryKeyString()));
        await stream.SubscribeAsync((roomEvent, _) => ApplyAsync(roomEvent));
    }

    public Task<RoomActivity> GetActivity()
    {
        var s = state.State;
        return Task.FromResult(new RoomActivity(
            this.GetPrimaryKeyString(), s.LastSeq, s.Messages, s.Edits, s.Deletes, s.Members.Count, s.Joins, s.Leaves, s.LastEventAt, s.ModerationActions));
    }

    private Task ApplyAsync(RoomEvent roomEvent)
    {
        var s = state.State;
        var changed = roomEvent switch
        {
            // Counted once each: a message delivered again, or republished by a retried send after
            // later ones went through, is not above the highest seq seen.
            MessageEvent m when m.Message.Seq > s.LastSeq => Count(() =>
            {
                s.Messages++;
                s.LastSeq = m.Message.Seq;
            }),
            MemberEvent { Joined: true } j when s.Members.Add(j.UserId) => Count(() => s.Joins++),
            MemberEvent { Joined: false } l when s.Members.Remove(l.UserId) => Count(() => s.Leaves++),
            MessageEditedEvent => Count(() => s.Edits++),
            MessageDeletedEvent => Count(() => s.Deletes++),

            // A kick or ban is the removed member's leave as well (no separate leave event comes).
            ModerationEvent m => Count(() =>
            {
                s.ModerationActions++;
                var removed = m switch
                {
                    MemberKickedEvent k => k.UserId,
                    MemberBannedEvent b => b.UserId,
                    _ => null,
                };
                if (removed is not null)
                {
                    s.Members.Remove(removed);
                }
            }),
            _ => false,
        };

        if (changed)
        {
            s.LastEventAt = time.GetUtcNow();
            _flush ??= this.RegisterGrainTimer(FlushAsync, FlushEvery, Timeout.InfiniteTimeSpan);
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_flush is not null)
        {
            await FlushAsync(cancellationToken);
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        _flush?.Dispose();
        _flush = null;
        await state.WriteStateAsync(cancellationToken);
    }

    private static bool Count(Action apply)
    {
        apply();
        return true;
    }
}
