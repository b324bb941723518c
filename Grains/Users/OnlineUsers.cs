using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansChat.Grains.Nodes;
using OrleansChat.Users;

namespace OrleansChat.Grains.Users;

/// <summary>
/// The users of this silo's grains that have live connections, and the nodes those connections are
/// on. A node killed without notice leaves its connections in those grains; one sweep per silo
/// finds them and tells each grain to drop that node, where each online user used to run a timer.
/// </summary>
/// <remarks>
/// A node counts as gone only when two sweeps in a row do not find it in the node directory, so a
/// directory that is refilling after its own restart does not take a live node's users offline.
/// </remarks>
public sealed partial class OnlineUsers(NodeList nodeList, IGrainFactory grains, ILogger<OnlineUsers> logger) : BackgroundService
{
    private static readonly TimeSpan DefaultSweepEvery = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DropTimeout = TimeSpan.FromSeconds(10);
    private const int DropsInFlight = 256;

    private readonly ConcurrentDictionary<string, string[]> _users = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _sweeping = new(1, 1);
    private HashSet<string> _missingLastTime = new(StringComparer.Ordinal);

    /// <summary>
    /// Period of the automatic sweep. Not configuration: only the grain test cluster sets it, to a
    /// period longer than any test, because its tests run <see cref="SweepAsync"/> themselves and a
    /// timer sweep landing between their steps would count as one of theirs.
    /// </summary>
    internal TimeSpan SweepEvery { get; init; } = DefaultSweepEvery;

    /// <summary>Notes the nodes that hold the user's connections now (called from the user's grain).</summary>
    public void Track(string userId, IEnumerable<string> nodeIds) => _users[userId] = nodeIds.ToArray();

    public void Forget(string userId) => _users.TryRemove(userId, out _);

    /// <summary>Whether sweeps look at this user; lets tests check one user while others come and go on the same silo.</summary>
    internal bool IsTracked(string userId) => _users.ContainsKey(userId);

    /// <summary>One pass: drops nodes missing from the directory now and at the previous pass.</summary>
    public async Task SweepAsync()
    {
        await _sweeping.WaitAsync();
        try
        {
            if (await nodeList.GetLiveIdsAsync(fresh: true) is not { } live)
            {
                return;
            }

            var missing = new HashSet<string>(StringComparer.Ordinal);
            var drops = new List<(string UserId, string NodeId)>();
            foreach (var (userId, nodeIds) in _users)
            {
                foreach (var nodeId in nodeIds.Where(id => !live.Contains(id)))
                {
                    missing.Add(nodeId);
                    if (_missingLastTime.Contains(nodeId))
                    {
                        drops.Add((userId, nodeId));
                    }
                }
            }

            _missingLastTime = missing;
            if (drops.Count > 0)
            {
                LogDroppingNodes(logger, drops.Count, string.Join(", ", drops.Select(d => d.NodeId).Distinct()));
            }

            // Bounded, so that a node death does not turn into one burst of thousands of presence broadcasts.
            foreach (var chunk in drops.Chunk(DropsInFlight))
            {
                await Task.WhenAll(chunk.Select(d => DropAsync(d.UserId, d.NodeId)));
            }
        }
        finally
        {
            _sweeping.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SweepEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SweepAsync();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSweepFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }

    private async Task DropAsync(string userId, string nodeId)
    {
        try
        {
            await grains.GetGrain<IUserGrain>(userId).DropNode(nodeId).WaitAsync(DropTimeout);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next sweep tries again: the grain still lists the node.
            LogDropFailed(logger, userId, nodeId, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropping {Count} user connection set(s) on node(s) gone from the directory: {Nodes}")]
    private static partial void LogDroppingNodes(ILogger logger, int count, string nodes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {UserId}: dropping node {NodeId} failed ({Reason}); the next sweep retries")]
    private static partial void LogDropFailed(ILogger logger, string userId, string nodeId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sweep for connections on dead nodes failed; it runs again shortly")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
