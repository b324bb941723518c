using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Cluster.Infrastructure;

/// <summary>
/// Users in rooms who keep sending while the test breaks the cluster, then the check a user would
/// make: every acknowledged message reached every member of its room exactly once (after
/// de-duplication by seq, live or through Resume) and is in the history.
/// </summary>
public sealed class ChatTraffic
{
    /// <summary>Per user by default: one send a quarter second, inside the contract's 5 per second.</summary>
    private static readonly TimeSpan DefaultSendEvery = TimeSpan.FromMilliseconds(250);

    private readonly IReadOnlyList<(string Room, IReadOnlyList<ChattingUser> Members)> _rooms;
    private readonly TimeSpan _sendEvery;
    private int _attempts;

    private ChatTraffic(IReadOnlyList<(string Room, IReadOnlyList<ChattingUser> Members)> rooms, TimeSpan sendEvery)
    {
        _rooms = rooms;
        _sendEvery = sendEvery;
        Users = rooms.SelectMany(r => r.Members).Distinct().ToList();
    }

    public IReadOnlyList<ChattingUser> Users { get; }

    public int Attempts => _attempts;

    public IReadOnlyList<string> Rooms => _rooms.Select(r => r.Room).ToList();

    public int Acknowledged => Users.Sum(u => u.Acknowledged.Count);

    /// <summary>Every user in every one of <paramref name="roomCount"/> rooms, sending to them in turn.</summary>
    public static async Task<ChatTraffic> StartUsersAsync(IEnumerable<Task<ChattingUser>> connecting, int roomCount)
    {
        IReadOnlyList<ChattingUser> users = await Task.WhenAll(connecting);
        var rooms = Enumerable.Range(0, roomCount).Select(_ => (TestIds.Room("fo"), users)).ToList();
        await JoinAllAsync(rooms);
        return new ChatTraffic(rooms, DefaultSendEvery);
    }

    /// <summary>Users in rooms of <paramref name="roomSize"/> (in the order given), each sending to its own room every <paramref name="sendEvery"/>.</summary>
    public static async Task<ChatTraffic> StartRoomsAsync(IReadOnlyList<ChattingUser> users, int roomSize, TimeSpan sendEvery)
    {
        var rooms = users.Chunk(roomSize).Select(members => (TestIds.Room("chaos"), (IReadOnlyList<ChattingUser>)members)).ToList();
        await JoinAllAsync(rooms);
        return new ChatTraffic(rooms, sendEvery);
    }

    /// <summary>Sends until <paramref name="stop"/> fires; an unacknowledged send is retried with the same clientMsgId.</summary>
    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Users.Select(user => Task.Run(() => SendLoopAsync(user, _rooms.Where(r => r.Members.Contains(user)).Select(r => r.Room).ToList(), stop))));

    public async Task VerifyAsync(Func<string> logs)
    {
        var report = await CheckAsync(logs);
        Assert.True(report.Acknowledged > 0, "no message was acknowledged at all");
        Assert.True(report.Missing.Count == 0, "missing: " + string.Join(", ", report.Missing.Take(20)));
        Assert.Empty(report.Conflicts);
        Assert.Empty(report.HistoryFaults);
    }

    /// <summary>
    /// Waits for everyone to be connected, lets every member resume every room until nothing acknowledged
    /// is missing (or the timeout passes), then reports what is still missing, delivered wrong, or wrong in the history.
    /// </summary>
    public async Task<TrafficReport> CheckAsync(Func<string> logs)
    {
        await Poll.UntilAsync(() => Users.All(u => u.Connection.State == HubConnectionState.Connected), TestIds.Timeout * 2,
            () => "users not reconnected: " + string.Join(", ", Users.Where(u => u.Connection.State != HubConnectionState.Connected).Select(u => $"{u.UserId} ({u.Connection.State}, {u.Reconnects} reconnects)")) + "\n" + logs());

        var acked = Users.SelectMany(u => u.Acknowledged.Select(a => (a.Room, a.Seq, Id: $"{u.UserId}/{a.ClientMsgId}"))).ToList();
        var membersOf = _rooms.ToDictionary(r => r.Room, r => r.Members, StringComparer.Ordinal);
        List<string> Missing() => acked
            .SelectMany(a => membersOf[a.Room].Where(u => !u.HasReceived(a.Room, a.Seq)).Select(u => $"{u.UserId} lacks {a.Room}#{a.Seq}"))
            .ToList();

        // A client that sees a hole in the seqs (or reconnects) asks for what follows its last
        // contiguous seq; that is the whole of the catching up a user gets.
        try
        {
            await Poll.UntilAsync(async () =>
            {
                foreach (var (room, members) in _rooms)
                {
                    foreach (var user in members)
                    {
                        await user.ResumeAsync(room);
                    }
                }

                return Missing().Count == 0;
            }, TestIds.Timeout, () => "acknowledged messages still missing");
        }
        catch (TimeoutException)
        {
            // Reported below with what is missing.
        }

        var conflicts = Users.SelectMany(u => u.Conflicts()).ToList();
        foreach (var (room, members) in _rooms)
        {
            foreach (var user in members)
            {
                conflicts.AddRange(acked.Where(a => a.Room == room && user.HasReceived(room, a.Seq) && user.ClientMsgIdAt(room, a.Seq) != a.Id)
                    .Select(a => $"{user.UserId} got {room}#{a.Seq} as {user.ClientMsgIdAt(room, a.Seq)}, acknowledged as {a.Id}"));
            }
        }

        // The history holds every acknowledged message once, at the seq its sender was told.
        var historyFaults = new List<string>();
        foreach (var (room, members) in _rooms)
        {
            var history = await ReadHistoryAsync(members[0], room);
            if (history.Count != history.Select(h => h.Id).Distinct(StringComparer.Ordinal).Count())
            {
                historyFaults.Add($"{room}: a message is stored twice");
            }

            if (!history.Select(h => h.Seq).SequenceEqual(Enumerable.Range(1, history.Count).Select(i => (long)i)))
            {
                historyFaults.Add($"{room}: the history's seqs have a gap");
            }

            var stored = history.ToHashSet();
            historyFaults.AddRange(acked.Where(a => a.Room == room && !stored.Contains((a.Seq, a.Id))).Select(a => $"{room}: acknowledged #{a.Seq} ({a.Id}) is not in the history"));
        }

        return new TrafficReport(acked.Count, Missing(), conflicts, historyFaults);
    }

    /// <summary>The whole history, page by page: <c>Resume</c> answers at most one page.</summary>
    private static async Task<List<(long Seq, string Id)>> ReadHistoryAsync(ChattingUser reader, string room)
    {
        var history = new List<(long Seq, string Id)>();
        while (true)
        {
            var page = (await reader.Connection.InvokeAsync<JsonElement>("Resume", room, history.Count == 0 ? 0L : history[^1].Seq).WaitAsync(TestIds.Timeout)).EnumerateArray()
                .Select(m => (Seq: m.GetProperty("seq").GetInt64(), Id: $"{m.GetProperty("senderId").GetString()}/{m.GetProperty("clientMsgId").GetString()}"))
                .ToList();
            if (page.Count == 0)
            {
                return history;
            }

            history.AddRange(page);
        }
    }

    private static async Task JoinAllAsync(IEnumerable<(string Room, IReadOnlyList<ChattingUser> Members)> rooms)
    {
        foreach (var (room, members) in rooms)
        {
            foreach (var user in members)
            {
                await user.JoinAsync(room);
            }
        }
    }

    private async Task SendLoopAsync(ChattingUser user, IReadOnlyList<string> rooms, CancellationToken stop)
    {
        using var tick = new PeriodicTimer(_sendEvery);
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

/// <summary>What a traffic check found: every list empty means nothing acknowledged was lost, duplicated or misplaced.</summary>
public sealed record TrafficReport(int Acknowledged, IReadOnlyList<string> Missing, IReadOnlyList<string> Conflicts, IReadOnlyList<string> HistoryFaults);
