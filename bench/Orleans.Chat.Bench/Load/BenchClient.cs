using System.Buffers;
using System.Net.WebSockets;
using OrleansChat.Bench.Net;
using OrleansChat.Bench.Protocol;

namespace OrleansChat.Bench.Load;

/// <summary>
/// One simulated user on one WebSocket. Its receive loop is the only code that touches its delivery
/// bookkeeping (last seq, last counter per sender), so that needs no lock; sends are serialised by a
/// semaphore because a WebSocket allows one send at a time.
/// </summary>
public sealed partial class BenchClient(int index, string userId, ClientContext context)
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Dictionary<int, PendingCall> _pending = [];
    private readonly Dictionary<int, long> _lastBySender = [];
    private readonly List<Delivery> _buffered = [];
    private readonly ServerRecord _record = new();
    private byte[] _receiveBuffer = new byte[4096];
    private WebSocket? _socket;
    private Task _receiving = Task.CompletedTask;
    private TaskCompletionSource? _opened;
    private bool _isOpen;
    private bool _resuming;
    private long _lastSeq;
    private long _resumedUpTo;
    private int _nextInvocation;
    private long _counter;
    private long _lastSendTicks = Environment.TickCount64;

    public int Index => index;

    public string UserId => userId;

    /// <summary>Room this client joins and sends to (null in the direct-message scenario).</summary>
    public string? RoomId { get; init; }

    /// <summary>User this client sends direct messages to (direct-message scenario only).</summary>
    public string? PeerId { get; init; }

    public string? Token { get; set; }

    public bool IsConnected => _isOpen && _socket?.State == WebSocketState.Open;

    public int OutstandingSends { get; private set; }

    /// <summary>Opens the socket and the protocol, then joins the room (first time) or resumes it (reconnect).</summary>
    public async Task ConnectAsync(bool reconnect, CancellationToken cancellation)
    {
        var protocol = context.Protocol;
        var started = DateTime.UtcNow.Ticks;
        _isOpen = false;
        _resuming = reconnect && RoomId is not null && protocol.UsesTokens;
        _opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var path = protocol.UpgradePath(userId, Token);
        var source = context.BindSources ? SourceAddresses.For(index) : null;
        // Bounded like every other call: a connect or upgrade that never completes must count as a
        // failure, not hold one of the worker's connect slots for the rest of the run.
        using (var upgrade = CancellationTokenSource.CreateLinkedTokenSource(cancellation))
        {
            upgrade.CancelAfter(context.CallTimeout);
            try
            {
                _socket = await WebSocketConnector.ConnectAsync(context.Server, path, source, upgrade.Token);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                throw new TimeoutException($"connect and upgrade did not complete within {context.CallTimeout.TotalSeconds:0} s");
            }
        }

        _receiving = ReceiveLoopAsync(_socket);
        if (!protocol.ClientHello.IsEmpty)
        {
            await SendRawAsync(protocol.ClientHello);
        }

        await _opened.Task.WaitAsync(context.CallTimeout, cancellation);
        _isOpen = true;
        if (RoomId is not null)
        {
            if (_resuming)
            {
                await CallAsync(CallKind.Resume, (buffer, id) => protocol.WriteResume(buffer, id, RoomId, _lastSeq), cancellation);
            }
            else
            {
                await CallAsync(CallKind.Join, (buffer, id) => protocol.WriteJoin(buffer, id, RoomId), cancellation);
            }
        }

        context.Counters.ConnectLatency.Record((DateTime.UtcNow.Ticks - started) / 10.0);
    }

    /// <summary>Sends one chat message; the receive loop records the ack and every delivery.</summary>
    public async Task SendMessageAsync()
    {
        var protocol = context.Protocol;
        var counter = ++_counter;
        var clientMsgId = $"{index}-{counter}";
        var buffer = ArrayPool<byte>.Shared.Rent(context.PayloadBytes + 512);
        try
        {
            Span<byte> text = stackalloc byte[context.PayloadBytes + 64];
            var ticks = DateTime.UtcNow.Ticks;
            var textLength = Payload.Write(text, index, counter, ticks, context.PayloadBytes);
            int id;
            int length;
            lock (_pending)
            {
                id = ++_nextInvocation;
                length = PeerId is null
                    ? protocol.WriteSend(buffer, id, RoomId ?? "", clientMsgId, text[..textLength])
                    : protocol.WriteDirect(buffer, id, PeerId, clientMsgId, text[..textLength]);
                _pending[id] = new PendingCall(CallKind.Send, ticks, null);
                OutstandingSends++;
            }

            context.Counters.Add(Counter.Sent);
            await SendRawAsync(buffer.AsMemory(0, length));
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            context.Counters.Error("send", ex.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Sends the protocol's keep-alive if nothing was sent for <paramref name="quietFor"/>, as the
    /// official SignalR clients do (their ping timer restarts on every message they send).
    /// </summary>
    public async Task SendKeepAliveAsync(TimeSpan quietFor)
    {
        if (!context.Protocol.KeepAlive.IsEmpty && IsConnected && Environment.TickCount64 - Volatile.Read(ref _lastSendTicks) >= (long)quietFor.TotalMilliseconds)
        {
            try
            {
                await SendRawAsync(context.Protocol.KeepAlive);
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException)
            {
                context.Counters.Error("keep-alive", ex.Message);
            }
        }
    }

    /// <summary>Cuts the connection without a close handshake, as a lost network would; returns once the old receive loop has ended.</summary>
    public Task DropAsync()
    {
        _isOpen = false;
        _socket?.Abort();
        return _receiving;
    }

    public async Task CloseAsync()
    {
        _isOpen = false;
        if (_socket is { State: WebSocketState.Open } socket)
        {
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));
            }
            catch (Exception ex) when (ex is WebSocketException or TimeoutException or IOException or ObjectDisposedException)
            {
                socket.Abort();
            }
        }

        _socket?.Dispose();
    }

    private async Task SendRawAsync(ReadOnlyMemory<byte> data)
    {
        var socket = _socket ?? throw new InvalidOperationException("not connected");
        await _sendLock.WaitAsync();
        try
        {
            await socket.SendAsync(data, WebSocketMessageType.Text, true, CancellationToken.None);
            Volatile.Write(ref _lastSendTicks, Environment.TickCount64);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task CallAsync(CallKind kind, Func<byte[], int, int> write, CancellationToken cancellation)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var buffer = new byte[512];
        int length;
        lock (_pending)
        {
            var id = ++_nextInvocation;
            length = write(buffer, id);
            _pending[id] = new PendingCall(kind, DateTime.UtcNow.Ticks, done);
        }

        await SendRawAsync(buffer.AsMemory(0, length));
        await done.Task.WaitAsync(context.CallTimeout, cancellation);
    }

    private enum CallKind
    {
        Send,
        Join,
        Resume,
    }

    private sealed record PendingCall(CallKind Kind, long Ticks, TaskCompletionSource? Done);
}
