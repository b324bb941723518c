using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Cluster.Infrastructure;

/// <summary>
/// Users who all share some rooms and keep sending while the test breaks the cluster, then the
/// check a user would make: every acknowledged message reached every member exactly once (after
/// de-duplication by seq, live or through Resume) and is in the history.
/// </summary>
public sealed class ChatTraffic(IReadOnlyList<ChattingUser> users, IReadOnlyList<string> rooms)
{
    /// <summary>Per user: one send a quarter second, inside the contract's 5 per second.</summary>
    private static readonly TimeSpan SendEvery = TimeSpan.FromMilliseconds(250);

    private int _attempts;

    public int Attempts => _attempts;

    public int Acknowledged => users.Sum(u => u.Acknowledged.Count);

    public static async Task<ChatTraffic> StartUsersAsync(IEnumerable<Task<ChattingUser>> connecting, int roomCount)
    {
        var users = await Task.WhenAll(connecting);
        var rooms = Enumerable.Range(0, roomCount).Select(_ => TestIds.Room("fo")).ToList();
        foreach (var room in rooms)
        {
            foreach (var user in users)
            {
                await user.JoinAsync(room);
            }
        }

        return new ChatTraffic(users, rooms);
    }

    /// <summary>Sends until <paramref name="stop"/> fires; an unacknowledged send is retried with the same clientMsgId.</summary>
    public Task RunAsync(CancellationToken stop) => Task.WhenAll(users.Select(user => Task.Run(() => SendLoopAsync(user, stop))));

    public async Task VerifyAsync(Func<string> logs)
    {
        await Poll.UntilAsync(() => users.All(u => u.Connection.State == HubConnectionState.Connected), TestIds.Timeout * 2,
            () => "users not reconnected: " + string.Join(", ", users.Where(u => u.Connection.State != HubConnectionState.Connected).Select(u => $"{u.UserId} ({u.Connection.State}, lost at {u.LostAt?.TotalSeconds:0.0} s, {u.Reconnects} reconnects)")) + "\n" + logs());

        var acked = users.SelectMany(u => u.Acknowledged.Select(a => (a.Room, a.Seq, Id: $"{u.UserId}/{a.ClientMsgId}"))).ToList();
        Assert.True(acked.Count > 0, "no message was acknowledged at all");

        // A client that sees a hole in the seqs (or reconnects) asks for what follows its last
        // contiguous seq; that is the whole of the catching up a user gets.
        await Poll.UntilAsync(async () =>
        {
            foreach (var user in users)
            {
                foreach (var room in rooms)
                {
                    await user.ResumeAsync(room);
                }
            }

            return acked.All(a => users.All(u => u.HasReceived(a.Room, a.Seq)));
        }, TestIds.Timeout, () => "missing: " + string.Join(", ", acked.SelectMany(a => users.Where(u => !u.HasReceived(a.Room, a.Seq)).Select(u => $"{u.UserId} lacks {a.Room}#{a.Seq}")).Take(20)));

        foreach (var user in users)
        {
            Assert.Empty(user.Conflicts());
            foreach (var (room, seq, id) in acked)
            {
                Assert.Equal(id, user.ClientMsgIdAt(room, seq));
            }
        }

        // The history holds every acknowledged message once, at the seq its sender was told.
        var reader = users[0];
        foreach (var room in rooms)
        {
            var history = (await reader.Connection.InvokeAsync<JsonElement>("Resume", room, 0L).WaitAsync(TestIds.Timeout)).EnumerateArray()
                .Select(m => (Seq: m.GetProperty("seq").GetInt64(), Id: $"{m.GetProperty("senderId").GetString()}/{m.GetProperty("clientMsgId").GetString()}"))
                .ToList();
            Assert.Equal(history.Count, history.Select(h => h.Id).Distinct(StringComparer.Ordinal).Count());
            Assert.Equal(Enumerable.Range(1, history.Count).Select(i => (long)i), history.Select(h => h.Seq));
            foreach (var (_, seq, id) in acked.Where(a => a.Room == room))
            {
                Assert.Contains((seq, id), history);
            }
        }
    }

    private async Task SendLoopAsync(ChattingUser user, CancellationToken stop)
    {
        using var tick = new PeriodicTimer(SendEvery);
        var sent = 0;
        try
        {
            while (await tick.WaitForNextTickAsync(stop))
            {
                var room = rooms[sent % rooms.Count];
                Interlocked.Increment(ref _attempts);
                if (await user.TrySendAsync(room, $"m{sent}", $"message {sent} from {user.UserId}"))
                {
                    sent++;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Traffic over.
        }
    }
}
