using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OrleansChat.Users;

namespace OrleansChat.Grains.Users;

/// <summary>
/// The users of this silo's grains that have live connections, and the nodes those connections are
/// on. A node killed without notice leaves its connections in those grains; when membership
/// declares its silo dead, <see cref="Nodes.DeadSiloCleanup"/> hands the dead nodes here and each
/// user that had a connection there is told to drop that node, at once and once.
/// </summary>
public sealed partial class OnlineUsers(IGrainFactory grains, ILogger<OnlineUsers> logger)
{
    private static readonly TimeSpan DropTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);
    private const int DropsInFlight = 256;
    private const int Attempts = 3;

    private readonly ConcurrentDictionary<string, string[]> _users = new(StringComparer.Ordinal);

    /// <summary>Notes the nodes that hold the user's connections now (called from the user's grain).</summary>
    public void Track(string userId, IEnumerable<string> nodeIds) => _users[userId] = nodeIds.ToArray();

    public void Forget(string userId) => _users.TryRemove(userId, out _);

    /// <summary>Whether a death would reach this user; lets tests check one user while others come and go on the same silo.</summary>
    internal bool IsTracked(string userId) => _users.ContainsKey(userId);

    /// <summary>Drops the dead nodes from every user here that had connections on them; those left with none go offline.</summary>
    public async Task DropNodesAsync(IReadOnlySet<string> deadNodeIds, CancellationToken cancellationToken)
    {
        var drops = _users
            .SelectMany(u => u.Value.Where(deadNodeIds.Contains).Select(nodeId => (UserId: u.Key, NodeId: nodeId)))
            .ToList();
        for (var attempt = 1; drops.Count > 0; attempt++)
        {
            LogDropping(logger, drops.Count, string.Join(", ", drops.Select(d => d.NodeId).Distinct()), attempt);
            var failed = new ConcurrentBag<(string UserId, string NodeId)>();

            // Bounded, so that a node death does not turn into one burst of thousands of presence broadcasts.
            foreach (var chunk in drops.Chunk(DropsInFlight))
            {
                await Task.WhenAll(chunk.Select(async d =>
                {
                    if (!await TryDropAsync(d.UserId, d.NodeId))
                    {
                        failed.Add(d);
                    }
                }));
            }

            if (failed.IsEmpty || attempt == Attempts)
            {
                foreach (var (userId, nodeId) in failed)
                {
                    LogGaveUp(logger, userId, nodeId);
                }

                return;
            }

            // The user's silo may itself be failing over; its grain reactivates elsewhere shortly.
            await Task.Delay(RetryAfter, cancellationToken);
            drops = [.. failed];
        }
    }

    private async Task<bool> TryDropAsync(string userId, string nodeId)
    {
        try
        {
            await grains.GetGrain<IUserGrain>(userId).DropNode(nodeId).WaitAsync(DropTimeout);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogDropFailed(logger, userId, nodeId, ex.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropping {Count} user connection set(s) on node(s) of dead silos: {Nodes} (attempt {Attempt})")]
    private static partial void LogDropping(ILogger logger, int count, string nodes, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {UserId}: dropping node {NodeId} failed ({Reason})")]
    private static partial void LogDropFailed(ILogger logger, string userId, string nodeId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {UserId}: node {NodeId} of a dead silo could not be dropped; the user shows online until the grain reactivates or disconnects")]
    private static partial void LogGaveUp(ILogger logger, string userId, string nodeId);
}
