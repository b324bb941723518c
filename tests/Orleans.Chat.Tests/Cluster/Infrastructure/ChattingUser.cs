using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Cluster.Infrastructure;

/// <summary>
/// A user as a well-behaved client is written: the official client with automatic reconnect, a
/// <c>Resume(room, lastSeenSeq)</c> per room after every reconnect, and sends retried with the same
/// clientMsgId until acknowledged. It records what was acknowledged and what arrived.
/// </summary>
public sealed class ChattingUser : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Room, long Seq), ConcurrentBag<string>> _received = new();
    private readonly ConcurrentDictionary<string, byte> _rooms = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock;
    private readonly ConcurrentQueue<TimeSpan> _outages = new();
    private TimeSpan? _lostSince;
    private int _reconnectRequests;
    private int _refused;
    private int _cutOff;

    private ChattingUser(string userId, HubConnection connection, Stopwatch clock)
    {
        UserId = userId;
        Connection = connection;
        _clock = clock;
        connection.On<JsonElement>("message", Record);
        connection.On("reconnect", () => Interlocked.Increment(ref _reconnectRequests));
        connection.Reconnecting += _ =>
        {
            LostAt ??= _clock.Elapsed;
            _lostSince = _clock.Elapsed;
            return Task.CompletedTask;
        };
        connection.Reconnected += async _ =>
        {
            ReconnectedAt ??= _clock.Elapsed;
            if (_lostSince is { } since)
            {
                _outages.Enqueue(_clock.Elapsed - since);
            }

            Reconnects++;
            foreach (var room in _rooms.Keys)
            {
                await ResumeAsync(room);
            }
        };
    }

    public string UserId { get; }

    public HubConnection Connection { get; }

    /// <summary>Messages this user's sends got back: the server's word that they are stored.</summary>
    public ConcurrentBag<(string Room, long Seq, string ClientMsgId)> Acknowledged { get; } = [];

    /// <summary>When each acknowledgement arrived (on the test's clock) and for which room.</summary>
    public ConcurrentQueue<(TimeSpan At, string Room)> AckTimes { get; } = new();

    /// <summary>Every send the server refused, with the words it gave and when.</summary>
    public ConcurrentQueue<(TimeSpan At, string Message)> Refusals { get; } = new();

    public TimeSpan? LostAt { get; private set; }

    public TimeSpan? ReconnectedAt { get; private set; }

    public int Reconnects { get; private set; }

    /// <summary>How long each loss of the connection lasted, from the client noticing it to being connected again.</summary>
    public IReadOnlyCollection<TimeSpan> Outages => _outages;

    /// <summary>Sends the server answered with an error (the cluster refused them).</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Sends that got no answer because this user's own connection was lost or not open: the client's to retry.</summary>
    public int CutOff => Volatile.Read(ref _cutOff);

    /// <summary>What the server said in its last refusal.</summary>
    public string? LastRefusal { get; private set; }

    /// <summary>How many times a draining node asked this user to reconnect elsewhere.</summary>
    public int ReconnectRequests => Volatile.Read(ref _reconnectRequests);

    /// <summary>Connects through <paramref name="url"/>, from <paramref name="local"/> when given (to steer nginx's ip_hash).</summary>
    public static async Task<ChattingUser> ConnectAsync(string url, string userId, IPAddress? local, Stopwatch clock, IRetryPolicy? reconnect = null)
    {
        var token = await TestChatClient.GetTokenAsync(url, userId);
        var connection = new HubConnectionBuilder()
            .WithUrl($"{url}/hubs/chat", o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                if (local is not null)
                {
                    BoundSockets.Use(o, local);
                }
            })
            .WithAutomaticReconnect(reconnect ?? new SteadyRetry())
            .Build();
        var user = new ChattingUser(userId, connection, clock);
        await connection.StartAsync().WaitAsync(TestIds.Timeout);
        return user;
    }

    public async Task JoinAsync(string roomId)
    {
        await Connection.InvokeAsync<JsonElement>("JoinRoom", roomId).WaitAsync(TestIds.Timeout);
        _rooms.TryAdd(roomId, 0);
    }

    /// <summary>One attempt; true when the server acknowledged (a repeat of a clientMsgId returns the stored original).</summary>
    public async Task<bool> TrySendAsync(string roomId, string clientMsgId, string text)
    {
        if (Connection.State != HubConnectionState.Connected)
        {
            Interlocked.Increment(ref _cutOff);
            return false;
        }

        try
        {
            var message = await Connection.InvokeAsync<JsonElement>("SendMessage", roomId, clientMsgId, text).WaitAsync(TimeSpan.FromSeconds(15));
            Acknowledged.Add((roomId, message.GetProperty("seq").GetInt64(), clientMsgId));
            AckTimes.Enqueue((_clock.Elapsed, roomId));
            return true;
        }
        catch (HubException ex)
        {
            Interlocked.Increment(ref _refused);
            LastRefusal = ex.Message;
            Refusals.Enqueue((_clock.Elapsed, ex.Message));
            return false;
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException or OperationCanceledException or System.Net.WebSockets.WebSocketException or HttpRequestException)
        {
            // A timeout here is the server not answering in 15 s: counted with refusals, not as the client's.
            if (ex is TimeoutException)
            {
                Interlocked.Increment(ref _refused);
                LastRefusal = "no answer within 15 s";
            }
            else
            {
                Interlocked.Increment(ref _cutOff);
            }

            return false;
        }
    }

    /// <summary>What a client does after a gap or a reconnect: everything after the last seq it has without a hole.</summary>
    public async Task ResumeAsync(string roomId)
    {
        try
        {
            var missed = await Connection.InvokeAsync<JsonElement>("Resume", roomId, LastContiguous(roomId)).WaitAsync(TestIds.Timeout);
            foreach (var message in missed.EnumerateArray())
            {
                Record(message);
            }
        }
        catch (Exception ex) when (ex is HubException or InvalidOperationException or TimeoutException or IOException or OperationCanceledException or System.Net.WebSockets.WebSocketException or HttpRequestException)
        {
            // Connection lost again; the next reconnect resumes.
        }
    }

    public long LastContiguous(string roomId)
    {
        long seq = 0;
        while (_received.ContainsKey((roomId, seq + 1)))
        {
            seq++;
        }

        return seq;
    }

    public bool HasReceived(string roomId, long seq) => _received.ContainsKey((roomId, seq));

    /// <summary>Every (room, seq) that arrived with more than one different message: must stay empty.</summary>
    public IReadOnlyList<string> Conflicts() =>
        _received.Where(r => r.Value.Distinct(StringComparer.Ordinal).Count() > 1)
            .Select(r => $"{UserId} got {r.Key.Room}#{r.Key.Seq} as {string.Join(" and ", r.Value.Distinct(StringComparer.Ordinal))}")
            .ToList();

    public string? ClientMsgIdAt(string roomId, long seq) =>
        _received.TryGetValue((roomId, seq), out var copies) ? copies.FirstOrDefault() : null;

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync().AsTask().WaitAsync(TestIds.Timeout);

    private void Record(JsonElement message)
    {
        var key = (message.GetProperty("roomId").GetString() ?? "", message.GetProperty("seq").GetInt64());
        _received.GetOrAdd(key, _ => []).Add($"{message.GetProperty("senderId").GetString()}/{message.GetProperty("clientMsgId").GetString()}");
    }

    /// <summary>Retries every 250 ms for a minute: a test wants to see the reconnect as soon as it can happen.</summary>
    private sealed class SteadyRetry : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
            retryContext.ElapsedTime < TimeSpan.FromMinutes(1) ? TimeSpan.FromMilliseconds(250) : null;
    }
}
