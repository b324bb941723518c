using OrleansChat.Users;

namespace OrleansChat.Edge.Routing;

/// <summary>
/// Which users are connected to this node, through which connections, and in which rooms. All
/// members are guarded by one lock; every operation is a few dictionary steps, so contention stays
/// low, and grain calls and socket writes happen outside it.
/// </summary>
public sealed class LocalRoutes
{
    private readonly object _gate = new();
    private readonly Dictionary<string, LocalUser> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _roomUsers = new(StringComparer.Ordinal);

    public int ConnectionCount { get; private set; }

    public void AddConnection(string userId, string connectionId)
    {
        lock (_gate)
        {
            if (!_users.TryGetValue(userId, out var user))
            {
                _users[userId] = user = new LocalUser();
            }

            if (user.Connections.Add(connectionId))
            {
                ConnectionCount++;
            }
        }
    }

    /// <summary>Removes a connection; returns the rooms that no longer have any local member.</summary>
    public IReadOnlyList<string> RemoveConnection(string userId, string connectionId)
    {
        lock (_gate)
        {
            if (!_users.TryGetValue(userId, out var user) || !user.Connections.Remove(connectionId))
            {
                return [];
            }

            ConnectionCount--;
            if (user.Connections.Count > 0)
            {
                return [];
            }

            _users.Remove(userId);
            return RemoveUserFromRooms(userId, user.Rooms);
        }
    }

    /// <summary>
    /// Applies a room list if it is at least as new as the one held. Returns null when the user has
    /// no local connection or the list is older; otherwise what changed and the connections to route.
    /// </summary>
    /// <remarks>
    /// <paramref name="newConnectionId"/> names a connection being routed for the first time. Its
    /// list can be older than the one held: a join or leave that the user's grain handled after the
    /// connect may reach this node first. The new connection then gets the newer list held here, not
    /// nothing, so it still receives every room of its user.
    /// </remarks>
    public RoomsChange? ApplyRooms(string userId, UserRooms rooms, string? newConnectionId = null)
    {
        lock (_gate)
        {
            if (!_users.TryGetValue(userId, out var user))
            {
                return null;
            }

            user.Activation = rooms.Activation ?? user.Activation;
            if (rooms.Version < user.Version)
            {
                return newConnectionId is not null && user.Connections.Contains(newConnectionId)
                    ? new RoomsChange([], [], [], user.Rooms.ToList(), [newConnectionId])
                    : null;
            }

            var next = new HashSet<string>(rooms.Rooms, StringComparer.Ordinal);
            var added = next.Where(r => !user.Rooms.Contains(r)).ToList();
            var removed = user.Rooms.Where(r => !next.Contains(r)).ToList();
            user.Rooms = next;
            user.Version = rooms.Version;
            foreach (var roomId in added)
            {
                if (!_roomUsers.TryGetValue(roomId, out var members))
                {
                    _roomUsers[roomId] = members = new HashSet<string>(StringComparer.Ordinal);
                }

                members.Add(userId);
            }

            var emptied = RemoveUserFromRooms(userId, removed);
            return new RoomsChange(added, removed, emptied, next.ToList(), user.Connections.ToList());
        }
    }

    public bool HasLocalMembers(string roomId)
    {
        lock (_gate)
        {
            return _roomUsers.ContainsKey(roomId);
        }
    }

    /// <summary>
    /// Connections of a user whose grain already knew them. While the first connect of a user is still
    /// on its way to the grain there is nothing to announce: that call registers the connection itself.
    /// </summary>
    /// <remarks>
    /// None either when <paramref name="activation"/> already answered a connect from here: the
    /// notice of that activation arrived after its own answer (notices are batched, answers are not).
    /// </remarks>
    public IReadOnlyList<string> AnnouncedConnectionsOf(string userId, string? activation = null)
    {
        lock (_gate)
        {
            return _users.TryGetValue(userId, out var user) && user.Version >= 0 && (activation is null || user.Activation != activation) ? user.Connections.ToList() : [];
        }
    }

    public int ConnectionCountOf(string userId)
    {
        lock (_gate)
        {
            return _users.TryGetValue(userId, out var user) ? user.Connections.Count : 0;
        }
    }

    public IReadOnlyList<string> ConnectionsOf(string userId)
    {
        lock (_gate)
        {
            return _users.TryGetValue(userId, out var user) ? user.Connections.ToList() : [];
        }
    }

    /// <summary>Local users other than <paramref name="userId"/> who share one of <paramref name="roomIds"/>.</summary>
    public IReadOnlyList<string> UsersSharing(string userId, IEnumerable<string> roomIds)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var roomId in roomIds)
            {
                if (_roomUsers.TryGetValue(roomId, out var members))
                {
                    result.UnionWith(members);
                }
            }
        }

        result.Remove(userId);
        return result.ToList();
    }

    public IReadOnlyList<string> RoomsWithLocalMembers()
    {
        lock (_gate)
        {
            return _roomUsers.Keys.ToList();
        }
    }

    private List<string> RemoveUserFromRooms(string userId, IEnumerable<string> roomIds)
    {
        var emptied = new List<string>();
        foreach (var roomId in roomIds)
        {
            if (_roomUsers.TryGetValue(roomId, out var members) && members.Remove(userId) && members.Count == 0)
            {
                _roomUsers.Remove(roomId);
                emptied.Add(roomId);
            }
        }

        return emptied;
    }

    private sealed class LocalUser
    {
        public HashSet<string> Connections { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Rooms { get; set; } = new(StringComparer.Ordinal);

        public long Version { get; set; } = -1;

        /// <summary>The user grain activation that last answered a connect from here (<see cref="UserRooms.Activation"/>).</summary>
        public string? Activation { get; set; }
    }
}
