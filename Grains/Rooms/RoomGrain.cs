using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Grains.Membership;
using OrleansChat.Grains.Nodes;
using OrleansChat.Grains.Streaming;
using OrleansChat.Messages;
using OrleansChat.Nodes;
using OrleansChat.Rooms;
using OrleansChat.Storage;
using OrleansChat.Telemetry;
using Orleans.Runtime;

namespace OrleansChat.Grains.Rooms;

/// <summary>
/// A room: membership, seq assignment, fan-out to nodes and the room's stream. Reading history back
/// is in RoomGrain.History.cs; moderation in RoomGrain.Moderation.cs, the rules it applies in
/// <see cref="RoomRules"/>.
/// </summary>
public sealed partial class RoomGrain(
    [PersistentState("room", ChatNames.GrainStorage)] IPersistentState<RoomState> state,
    IMessageStore store,
    ClusterNodes nodes,
    NodeNotices notices,
    NodeOutbox outbox,
    RoomEventRelay relay,
    ILocalSiloDetails localSilo,
    IOptions<MembershipLimitsOptions> limits,
    TimeProvider time,
    ILogger<RoomGrain> logger) : Grain, IRoomGrain
{
    private static readonly TimeSpan NodeAnswerTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Nodes with connections of members, keyed by node id (its silo's address). In memory only: on
    /// activation the room asks every node to subscribe again. A node leaves when it unsubscribes or
    /// when membership declares its silo dead (the outbox refuses it, see <see cref="Fanout"/>).
    /// </summary>
    private readonly Dictionary<string, IChatNode> _nodes = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _appendGate = new(1, 1);
    private RoomStreamCursor? _stream;
    private string? _silo;
    private long _lastSeq;

    private string RoomId => this.GetPrimaryKeyString();

    /// <summary>Where this activation runs, in every send's answer: the sending node batches by it.</summary>
    private string Silo => _silo ??= localSilo.SiloAddress.ToParsableString();

    private RoomStreamCursor Stream => _stream ??= new RoomStreamCursor(this, RoomId, state, relay, () => _lastSeq, time, logger);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _lastSeq = await store.GetLastSeqAsync(RoomId, cancellationToken);
        if (RoomRules.AdoptOwner(state.State, RoomId))
        {
            await state.WriteStateAsync(cancellationToken);
            LogOwnerAdopted(logger, RoomId, state.State.Owner);
        }

        // What a previous activation stored but may not have put on the stream (it crashed, or its
        // silo's relay could not reach the stream) goes out again, before anything this one stores.
        Stream.Resume();

        if (state.State.Members.Count == 0)
        {
            // No members (never joined, or all left): no node routes the room, so there is nobody to
            // ask to subscribe. This keeps calls naming rooms that do not exist (refused as "not a
            // member") from costing a message to every node each.
            return;
        }

        var roomId = RoomId;
        await notices.BroadcastAsync(new NodeNotice(NodeNoticeKind.RoomActivated, roomId));
    }

    public async Task<JoinResult> Join(string userId)
    {
        ChatLimits.EnsureUserId(userId);
        if (ChatLimits.TryParseDirectRoom(RoomId, out var a, out var b) && userId != a && userId != b)
        {
            throw new ChatException($"room {RoomId} is a direct room of two other users", ChatErrorCode.Forbidden);
        }

        var direct = ChatLimits.IsDirectRoom(RoomId);
        if (!state.State.Members.Contains(userId))
        {
            if (!direct)
            {
                RoomRules.EnsureMayJoin(state.State, RoomId, userId, time.GetUtcNow());
            }

            var max = limits.Value.MaxMembersPerRoom;
            if (state.State.Members.Count >= max)
            {
                throw new ChatException($"room {RoomId} is full: it has the maximum of {max} members", ChatErrorCode.LimitReached);
            }

            await ChangeStateAsync(room =>
            {
                room.Members.Add(userId);
                room.Invited.Remove(userId);
                if (room.CreatedAt is null)
                {
                    // JoinRoom on a missing id creates a public room owned by the joiner.
                    room.CreatedAt = time.GetUtcNow();
                    room.Owner = direct ? null : userId;
                    room.PublishedSeq ??= _lastSeq;
                }

                RoomRules.ClaimOwner(room, RoomId, userId);
            });
            AnnounceMember(userId, joined: true);
        }
        else if (RoomRules.MayClaimOwner(state.State, RoomId, userId))
        {
            await ChangeStateAsync(room => RoomRules.ClaimOwner(room, RoomId, userId));
        }

        return new JoinResult(RoomId, _lastSeq, state.State.Members.Order(StringComparer.Ordinal).ToList(), RoomRules.RoleOf(state.State, RoomId, userId));
    }

    public async Task Leave(string userId)
    {
        ChatLimits.EnsureUserId(userId);
        if (state.State.Members.Remove(userId))
        {
            await state.WriteOrUndoAsync(() => state.State.Members.Add(userId));
            AnnounceMember(userId, joined: false);
        }
    }

    public Task<bool> IsMember(string userId) => Task.FromResult(state.State.Members.Contains(userId));

    public async Task<IReadOnlyList<MemberPresence>> GetPresence(string userId, int limit)
    {
        EnsureMember(userId);
        var members = state.State.Members.Order(StringComparer.Ordinal).Take(limit).ToArray();
        var answers = await Task.WhenAll(_nodes.Values.ToList().Select(node => OnlineOnAsync(node, members)));
        var online = new HashSet<string>(answers.SelectMany(a => a), StringComparer.Ordinal);
        return members.Select(m => new MemberPresence(m, online.Contains(m))).ToList();
    }

    /// <summary>A node that does not answer in time counts as holding nobody: presence is a hint, the events correct it.</summary>
    private async Task<string[]> OnlineOnAsync(IChatNode node, string[] members)
    {
        try
        {
            return await node.OnlineAmong(members).WaitAsync(NodeAnswerTimeout);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            LogPresenceUnanswered(logger, RoomId, ex.Message);
            return [];
        }
    }

    public Task<long> GetLastSeq() => Task.FromResult(_lastSeq);

    public Task<SendReceipt> SendFromNode(string nodeId, string senderId, string clientMsgId, string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        return SendAsync(nodeId, senderId, clientMsgId, text);
    }

    private async Task<SendReceipt> SendAsync(string callerNodeId, string senderId, string clientMsgId, string text)
    {
        ChatLimits.EnsureUserId(senderId);
        ChatLimits.EnsureClientMsgId(clientMsgId);
        ChatLimits.EnsureText(text);
        RoomRules.EnsureAccepted(state.State, RoomId, senderId);
        EnsureMember(senderId);
        RoomRules.EnsureNotMuted(state.State, RoomId, senderId, time.GetUtcNow());
        if (ChatLimits.TryParseDirectRoom(RoomId, out var a, out var b)
            && !(state.State.Members.Contains(a) && state.State.Members.Contains(b)))
        {
            throw new ChatException($"direct room {RoomId} needs both users", ChatErrorCode.DirectRoomIncomplete);
        }

        // The calling node takes the message from the answer when that saves a call: not when it is
        // this silo's own node (its events are handed over in memory, at once) and not when it has
        // no subscription here (there is no fan-out to it to leave out).
        var answerNode = !outbox.IsLocal(callerNodeId) && _nodes.ContainsKey(callerNodeId)
            ? callerNodeId
            : null;

        // Sends interleave with the room's reads, but seqs are handed out and stored one message at
        // a time: the gate covers the append, the fan-out and the hand-over to the stream relay, so
        // both get the room's events in seq order. The answer is the acknowledgement: the store
        // holds the message; nothing downstream (nodes, stream) is waited for.
        await _appendGate.WaitAsync();
        try
        {
            return await AppendAsync(senderId, clientMsgId, text, answerNode);
        }
        finally
        {
            _appendGate.Release();
        }
    }

    private async Task<SendReceipt> AppendAsync(string senderId, string clientMsgId, string text, string? answerNode)
    {
        // A stale seq can only come from a write that failed after it reached the store, or from a
        // second activation during a membership change; re-reading the room's end recovers both.
        for (var attempt = 0; ; attempt++)
        {
            var message = new ChatMessage(RoomId, _lastSeq + 1, senderId, text, clientMsgId, Now());
            var result = await store.AppendAsync(message);
            switch (result.Outcome)
            {
                case AppendOutcome.Stored:
                    _lastSeq = message.Seq;
                    FanoutAndPublish(new MessageEvent(RoomId, message), except: answerNode);
                    return new SendReceipt(message, ForCallerNode: answerNode is not null, Silo);
                case AppendOutcome.Duplicate when result.Message is { } original:
                    // A retry (its answer was lost): delivery and publishing happened with the first;
                    // a node that missed its copy with that answer fills the gap from the room.
                    return new SendReceipt(original, ForCallerNode: false, Silo);
                case AppendOutcome.SeqTaken when attempt < 3:
                    LogSeqTaken(logger, RoomId, message.Seq);
                    _lastSeq = await store.GetLastSeqAsync(RoomId);
                    break;
                default:
                    throw new InvalidOperationException($"message store refused seq {message.Seq} of room {RoomId}: {result.Outcome}");
            }
        }
    }

    public Task Typing(string userId)
    {
        EnsureMember(userId);
        Fanout(new TypingEvent(RoomId, userId));
        return Task.CompletedTask;
    }

    public Task MarkRead(string userId, long seq)
    {
        EnsureMember(userId);
        ChatLimits.EnsureSeq(seq, "seq");
        Fanout(new ReadEvent(RoomId, userId, Math.Min(seq, _lastSeq)));
        return Task.CompletedTask;
    }

    public async Task<ChatMessage> Edit(string userId, long seq, string text)
    {
        EnsureMember(userId);
        ChatLimits.EnsureText(text);
        RoomRules.EnsureNotMuted(state.State, RoomId, userId, time.GetUtcNow());
        var message = await GetStoredAsync(seq);
        if (message.SenderId != userId)
        {
            throw new ChatException("only the sender may edit a message", ChatErrorCode.Forbidden);
        }

        if (message.Deleted)
        {
            throw new ChatException($"message {seq} was deleted", ChatErrorCode.NotFound);
        }

        var edited = message with { Text = text, EditedAt = Now() };
        await store.ReplaceAsync(edited);
        FanoutAndPublish(new MessageEditedEvent(RoomId, seq, text, edited.EditedAt!.Value));
        return edited;
    }

    public async Task Delete(string userId, long seq)
    {
        EnsureMember(userId);
        var message = await GetStoredAsync(seq);
        if (message.SenderId != userId && !RoomRules.IsOwnerOrModerator(state.State, userId))
        {
            throw new ChatException("only the sender or a moderator may delete a message", ChatErrorCode.Forbidden);
        }

        if (!message.Deleted)
        {
            await store.ReplaceAsync(message with { Text = null, Deleted = true });
            FanoutAndPublish(new MessageDeletedEvent(RoomId, seq));
        }
    }

    public Task<RoomSubscription> Subscribe(string nodeId, IChatNode node)
    {
        // A subscription that was in flight while its silo was declared dead must not come back to life.
        if (!nodes.IsDead(nodeId))
        {
            _nodes[nodeId] = node;
        }

        return Task.FromResult(new RoomSubscription(RoomId, _lastSeq));
    }

    public Task Unsubscribe(string nodeId)
    {
        _nodes.Remove(nodeId);
        return Task.CompletedTask;
    }

    /// <summary>Whole milliseconds: every store keeps at least that, so an echo and a later read agree exactly.</summary>
    private DateTimeOffset Now()
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }

    private void EnsureMember(string userId)
    {
        if (!state.State.Members.Contains(userId))
        {
            throw ChatException.NotMember(RoomId);
        }
    }

    private async Task<ChatMessage> GetStoredAsync(long seq)
    {
        if (seq < 1 || seq > _lastSeq)
        {
            throw new ChatException($"room {RoomId} has no message {seq}", ChatErrorCode.NotFound);
        }

        return await store.GetAsync(RoomId, seq)
            ?? throw new ChatException($"room {RoomId} has no message {seq}", ChatErrorCode.NotFound);
    }

    /// <summary>
    /// One hand-over per subscribed node, never per member; the outbox batches those bound for other
    /// nodes, and refuses nodes of dead silos, which leave the room's list here.
    /// </summary>
    private void Fanout(RoomEvent roomEvent, string? except = null)
    {
        using var activity = ChatTelemetry.Source.StartActivity("chat.fanout");
        activity?.SetTag("chat.nodes", _nodes.Count);
        List<string>? dead = null;
        foreach (var (nodeId, node) in _nodes)
        {
            if (!string.Equals(nodeId, except, StringComparison.Ordinal) && !outbox.Post(nodeId, node, roomEvent))
            {
                (dead ??= []).Add(nodeId);
            }
        }

        foreach (var nodeId in dead ?? [])
        {
            _nodes.Remove(nodeId);
        }
    }

    /// <summary>
    /// Joins and leaves reach every member's connection; in a room of more than
    /// <see cref="MembershipLimitsOptions.MemberNoticesUpTo"/> members (the leaver counted) they reach none (a join loop
    /// there would be one socket write per member each time), and only the room's event stream
    /// (activity counts) has them. Clients of big rooms read members with <c>GetPresence</c>.
    /// </summary>
    private void AnnounceMember(string userId, bool joined)
    {
        var notice = new MemberEvent(RoomId, userId, joined);
        var size = state.State.Members.Count + (joined ? 0 : 1);
        if (size > limits.Value.MemberNoticesUpTo)
        {
            Stream.Publish(notice);
            return;
        }

        FanoutAndPublish(notice);
    }

    /// <summary>
    /// The one way a stored room event leaves the room: live to the subscribed nodes (but
    /// <paramref name="except"/>, which takes it from the call's answer) and, through this silo's
    /// relay, onto the room's stream. Neither is waited for: the store holding it is the acknowledgement.
    /// </summary>
    private void FanoutAndPublish(RoomEvent roomEvent, string? except = null)
    {
        Fanout(roomEvent, except);
        Stream.Publish(roomEvent);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        _stream?.OnDeactivateAsync(cancellationToken) ?? Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {RoomId}: a node did not say who of the members it holds ({Reason}); they count as offline")]
    private static partial void LogPresenceUnanswered(ILogger logger, string roomId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {RoomId}: seq {Seq} was already taken in the store; reloading the room's last seq")]
    private static partial void LogSeqTaken(ILogger logger, string roomId, long seq);
}
