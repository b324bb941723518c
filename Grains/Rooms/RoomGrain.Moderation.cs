using Microsoft.Extensions.Logging;
using OrleansChat.Messages;
using OrleansChat.Rooms;
using OrleansChat.Users;

namespace OrleansChat.Grains.Rooms;

/// <summary>
/// The room's moderation: settings, invitations, roles, kicks, bans and mutes. Each action is
/// checked by <see cref="RoomRules"/>, stored, then announced once through <see cref="AnnounceAsync"/>,
/// which puts it on the room's stream and in the node log (the audit trail).
/// </summary>
public sealed partial class RoomGrain
{
    public async Task<RoomInfo> Create(string userId, RoomSettings settings)
    {
        ChatLimits.EnsureUserId(userId);
        ArgumentNullException.ThrowIfNull(settings);
        ModerationLimits.EnsureTitle(settings.Title);
        if (ChatLimits.IsDirectRoom(RoomId))
        {
            throw new ChatException("direct rooms are created by sending a direct message");
        }

        if (state.State.CreatedAt is not null)
        {
            throw new ChatException($"room {RoomId} already exists", ChatErrorCode.Conflict);
        }

        await ChangeStateAsync(room =>
        {
            room.CreatedAt = time.GetUtcNow();
            room.Owner = userId;
            room.Members.Add(userId);
            room.Title = settings.Title;
            room.InviteOnly = settings.InviteOnly ?? false;
        });
        var info = Info();
        FanoutAndPublish(new MemberEvent(RoomId, userId, Joined: true));
        await AnnounceAsync(new RoomUpdatedEvent(RoomId, userId, info));
        return info;
    }

    public Task<RoomInfo> GetRoom(string userId)
    {
        ChatLimits.EnsureUserId(userId);
        if (state.State.CreatedAt is null)
        {
            throw new ChatException($"room {RoomId} does not exist", ChatErrorCode.NotFound);
        }

        var member = state.State.Members.Contains(userId);
        if (!member && ChatLimits.IsDirectRoom(RoomId))
        {
            throw ChatException.NotMember(RoomId);
        }

        if (!member && state.State.InviteOnly && !RoomRules.IsOwnerOrModerator(state.State, userId))
        {
            // All a stranger learns about a private room.
            throw RoomRules.InviteOnly(RoomId);
        }

        return Task.FromResult(Info());
    }

    public async Task<RoomInfo> Update(string by, RoomSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await BeginActionAsync(by);
        ModerationLimits.EnsureTitle(settings.Title);
        RoomRules.EnsureOwner(state.State, RoomId, by, "change its settings");
        await ChangeStateAsync(room =>
        {
            room.Title = settings.Title ?? room.Title;
            room.InviteOnly = settings.InviteOnly ?? room.InviteOnly;
        });
        var info = Info();
        await AnnounceAsync(new RoomUpdatedEvent(RoomId, by, info));
        return info;
    }

    public async Task Invite(string by, string userId)
    {
        await BeginActionAsync(by, userId);
        RoomRules.EnsureModerator(state.State, RoomId, by, "invite");
        if (RoomRules.ActiveRestriction(state.State.Bans, userId, time.GetUtcNow()) is not null)
        {
            throw new ChatException($"user {userId} is banned from room {RoomId}; unban them first", ChatErrorCode.Forbidden);
        }

        if (state.State.Members.Contains(userId))
        {
            return;
        }

        if (!state.State.Invited.Contains(userId))
        {
            var max = limits.Value.MaxMembersPerRoom;
            if (state.State.Invited.Count >= max)
            {
                throw new ChatException($"room {RoomId} has the maximum of {max} open invitations", ChatErrorCode.LimitReached);
            }

            await ChangeStateAsync(room => room.Invited.Add(userId));
        }

        // The invitee is not a member, so the room's fan-out does not reach them: their user grain does.
        var invited = new MemberInvitedEvent(RoomId, by, userId);
        await GrainFactory.GetGrain<IUserGrain>(userId).Notify(invited);
        await AnnounceAsync(invited, toMembers: false);
    }

    public async Task SetRole(string by, string userId, string role)
    {
        await BeginActionAsync(by, userId);
        ModerationLimits.EnsureRole(role);
        RoomRules.EnsureOwner(state.State, RoomId, by, "change roles");
        if (userId == by)
        {
            throw new ChatException("not allowed: the owner changes its own role only by handing ownership to another member", ChatErrorCode.Forbidden);
        }

        EnsureTargetIsMember(userId);
        if (RoomRules.RoleOf(state.State, RoomId, userId) == role)
        {
            return;
        }

        await ChangeStateAsync(room =>
        {
            room.Moderators.Remove(userId);
            if (role == RoomRoles.Moderator)
            {
                room.Moderators.Add(userId);
            }
            else if (role == RoomRoles.Owner)
            {
                room.Owner = userId;
                room.Moderators.Add(by);
            }
        });
        var announced = AnnounceAsync(new RoleChangedEvent(RoomId, by, userId, role));
        if (role == RoomRoles.Owner)
        {
            await AnnounceAsync(new RoleChangedEvent(RoomId, by, by, RoomRoles.Moderator));
        }

        await announced;
    }

    public async Task Kick(string by, string userId, string? reason)
    {
        await BeginActionAsync(by, userId);
        ModerationLimits.EnsureReason(reason);
        RoomRules.EnsureMayActOn(state.State, RoomId, by, userId, "kick");
        EnsureTargetIsMember(userId);
        await ChangeStateAsync(room => room.Members.Remove(userId));
        await RemoveAsync(userId, new MemberKickedEvent(RoomId, by, userId, reason ?? ""));
    }

    public async Task Ban(string by, string userId, long seconds, string? reason)
    {
        await BeginActionAsync(by, userId);
        ModerationLimits.EnsureSeconds(seconds);
        ModerationLimits.EnsureReason(reason);
        RoomRules.EnsureMayActOn(state.State, RoomId, by, userId, "ban");
        var until = Until(seconds);
        var wasMember = state.State.Members.Contains(userId);
        await ChangeStateAsync(room =>
        {
            // A ban also ends a moderator role: whoever was trusted with it no longer is.
            room.Bans[userId] = new Restriction { By = by, Until = until, Reason = reason ?? "" };
            room.Members.Remove(userId);
            room.Invited.Remove(userId);
            room.Moderators.Remove(userId);
        });
        var banned = new MemberBannedEvent(RoomId, by, userId, until, reason ?? "");
        if (wasMember)
        {
            await RemoveAsync(userId, banned);
        }
        else
        {
            await AnnounceAsync(banned);
        }
    }

    public Task Unban(string by, string userId) =>
        LiftAsync(by, userId, "unban", room => room.Bans, new MemberUnbannedEvent(RoomId, by, userId));

    public async Task Mute(string by, string userId, long seconds)
    {
        await BeginActionAsync(by, userId);
        ModerationLimits.EnsureSeconds(seconds);
        RoomRules.EnsureMayActOn(state.State, RoomId, by, userId, "mute");
        var until = Until(seconds);
        await ChangeStateAsync(room => room.Mutes[userId] = new Restriction { By = by, Until = until });
        await AnnounceAsync(new MemberMutedEvent(RoomId, by, userId, until));
    }

    public Task Unmute(string by, string userId) =>
        LiftAsync(by, userId, "unmute", room => room.Mutes, new MemberUnmutedEvent(RoomId, by, userId));

    public async Task SetBlocked(string blockerId, bool blocked)
    {
        if (!ChatLimits.TryParseDirectRoom(RoomId, out var a, out var b) || (blockerId != a && blockerId != b))
        {
            throw new ChatException($"only the two users of a direct room may block in it", ChatErrorCode.Forbidden);
        }

        if (state.State.BlockedBy.Contains(blockerId) != blocked)
        {
            await ChangeStateAsync(room =>
            {
                if (blocked)
                {
                    room.BlockedBy.Add(blockerId);
                }
                else
                {
                    room.BlockedBy.Remove(blockerId);
                }
            });
        }
    }

    /// <summary>
    /// Checks the caller (and target) and, for a room stored before owners existed that still has
    /// none, makes an acting member its owner. The caller must be a member: what a moderator may
    /// do follows from being in the room.
    /// </summary>
    private async Task BeginActionAsync(string by, string? target = null)
    {
        ChatLimits.EnsureUserId(by);
        if (target is not null)
        {
            ChatLimits.EnsureUserId(target);
        }

        EnsureMember(by);
        if (RoomRules.MayClaimOwner(state.State, RoomId, by))
        {
            await ChangeStateAsync(room => RoomRules.ClaimOwner(room, RoomId, by));
            LogOwnerAdopted(logger, RoomId, by);
        }
    }

    /// <summary>Ends a ban or mute; lifting one that is not there changes nothing and announces nothing.</summary>
    private async Task LiftAsync(string by, string userId, string action, Func<RoomState, Dictionary<string, Restriction>> restrictions, ModerationEvent lifted)
    {
        await BeginActionAsync(by, userId);
        RoomRules.EnsureMayActOn(state.State, RoomId, by, userId, action);
        if (restrictions(state.State).ContainsKey(userId))
        {
            await ChangeStateAsync(room => restrictions(room).Remove(userId));
            await AnnounceAsync(lifted);
        }
    }

    private void EnsureTargetIsMember(string userId)
    {
        if (!state.State.Members.Contains(userId))
        {
            throw new ChatException($"user {userId} is not a member of room {RoomId}", ChatErrorCode.NotMember);
        }
    }

    /// <summary>
    /// The member is out of the room's state already. Members get the notice through the fan-out;
    /// the user's own connections get it from their nodes, which then stop routing the room to them.
    /// That removal runs even when the stream refuses the notice: privacy does not wait on the audit.
    /// </summary>
    private async Task RemoveAsync(string userId, ModerationEvent notice)
    {
        var announced = AnnounceAsync(notice);
        await GrainFactory.GetGrain<IUserGrain>(userId).RemovedFromRoom(RoomId, notice);
        await announced;
    }

    /// <summary>The one place a moderation action becomes an event: the audit log line, the members' sockets and the room's stream.</summary>
    private Task AnnounceAsync(ModerationEvent action, bool toMembers = true)
    {
        var (verb, target, detail) = action switch
        {
            RoomUpdatedEvent u => ("updated settings of", u.RoomId, $"title '{u.Room.Title}', invite-only {u.Room.InviteOnly}"),
            MemberInvitedEvent i => ("invited", i.UserId, ""),
            RoleChangedEvent r => ("changed role of", r.UserId, $"to {r.Role}"),
            MemberKickedEvent k => ("kicked", k.UserId, k.Reason),
            MemberBannedEvent b => ("banned", b.UserId, $"{b.Reason} (until {b.Until?.ToString("O") ?? "unbanned"})"),
            MemberUnbannedEvent u => ("unbanned", u.UserId, ""),
            MemberMutedEvent m => ("muted", m.UserId, $"until {m.Until?.ToString("O") ?? "unmuted"}"),
            MemberUnmutedEvent u => ("unmuted", u.UserId, ""),
            _ => (action.GetType().Name, "", ""),
        };
        LogModeration(logger, RoomId, action.By, verb, target, detail);
        if (toMembers)
        {
            FanoutAndPublish(action);
        }
        else
        {
            Stream.Publish(action);
        }

        return Task.CompletedTask;
    }

    /// <summary>Changes the state and writes it; if the write fails, the grain goes back to what it had, so it never acts on a state its store does not hold.</summary>
    private async Task ChangeStateAsync(Action<RoomState> change)
    {
        var before = state.State.Copy();
        change(state.State);
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception)
        {
            state.State = before;
            throw;
        }
    }

    private RoomInfo Info() => new(
        RoomId,
        state.State.Title ?? RoomId,
        state.State.InviteOnly,
        state.State.Owner,
        state.State.Moderators.Order(StringComparer.Ordinal).ToList(),
        state.State.Members.Count,
        _lastSeq);

    private DateTimeOffset? Until(long seconds) => seconds == 0 ? null : Now().AddSeconds(seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {RoomId}: {By} {Action} {Target} {Detail}")]
    private static partial void LogModeration(ILogger logger, string roomId, string by, string action, string target, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {RoomId} had no owner (stored before rooms had owners); {Owner} owns it now")]
    private static partial void LogOwnerAdopted(ILogger logger, string roomId, string? owner);
}
