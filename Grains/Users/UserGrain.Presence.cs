using OrleansChat.Nodes;

namespace OrleansChat.Grains.Users;

/// <summary>
/// Presence as the other nodes hear it: every change reaches every node (each forwards it to the
/// connections sharing a room with the user), so a user's changes are coalesced. The first change
/// after a quiet <see cref="PresenceWindow"/> goes out at once; changes within the window after an
/// announcement wait for its end, and then only the state at that moment goes out, and only if it
/// differs from what the nodes were last told. A connect/disconnect loop therefore costs at most one
/// broadcast per window, and a reconnect within the window (a network flap) costs none.
/// </summary>
public sealed partial class UserGrain
{
    /// <summary>Shortest time between two presence broadcasts of one user.</summary>
    public static readonly TimeSpan PresenceWindow = TimeSpan.FromSeconds(5);

    /// <summary>Online as the nodes were last told (a fresh activation: offline, as nodes assume of an inactive user).</summary>
    private bool _announcedOnline;

    private long? _lastAnnounced;
    private IGrainTimer? _pendingPresence;

    /// <summary>The user's connections went from none to some, or from some to none.</summary>
    private Task PresenceChangedAsync()
    {
        if (_pendingPresence is not null)
        {
            // The window's end announces whatever the state is then.
            return Task.CompletedTask;
        }

        if (_lastAnnounced is not { } last || time.GetElapsedTime(last) >= PresenceWindow)
        {
            return AnnouncePresenceAsync();
        }

        _pendingPresence = this.RegisterGrainTimer(AnnouncePendingPresenceAsync, PresenceWindow - time.GetElapsedTime(last), Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    /// <summary>A change still waiting for its window goes out before the grain goes: nodes must not keep the user online.</summary>
    private Task AnnouncePendingPresenceAsync(CancellationToken cancellationToken)
    {
        _pendingPresence?.Dispose();
        _pendingPresence = null;
        return AnnouncePresenceAsync();
    }

    private Task AnnouncePresenceAsync()
    {
        var online = _connections.Count > 0;
        if (online == _announcedOnline)
        {
            // Back where the nodes last heard: a flap within the window, nothing to tell.
            return Task.CompletedTask;
        }

        _announcedOnline = online;
        _lastAnnounced = time.GetTimestamp();
        var userId = UserId;
        var rooms = RoomIds();
        return rooms.Count == 0 ? Task.CompletedTask : notices.BroadcastAsync(new NodeNotice(online ? NodeNoticeKind.Online : NodeNoticeKind.Offline, userId, rooms));
    }
}
