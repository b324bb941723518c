using System.Net.WebSockets;
using OrleansChat.Bench.Protocol;

namespace OrleansChat.Bench.Load;

/// <summary>The receive side: framing, acks, deliveries and the order / loss checks.</summary>
public sealed partial class BenchClient
{
    private async Task ReceiveLoopAsync(WebSocket socket)
    {
        var length = 0;
        try
        {
            while (true)
            {
                if (length == _receiveBuffer.Length)
                {
                    Array.Resize(ref _receiveBuffer, _receiveBuffer.Length * 2);
                }

                var result = await socket.ReceiveAsync(_receiveBuffer.AsMemory(length), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    context.Counters.Add(Counter.ClosedByServer);
                    break;
                }

                length += result.Count;
                if (result.EndOfMessage)
                {
                    OnMessage(_receiveBuffer.AsSpan(0, length));
                    length = 0;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            if (_isOpen)
            {
                context.Counters.Error("receive", ex.Message);
            }
        }

        _isOpen = false;
        FailPending();
    }

    private void OnMessage(ReadOnlySpan<byte> message)
    {
        if (context.Protocol.RecordSeparator is not { } separator)
        {
            OnRecord(message);
            return;
        }

        while (!message.IsEmpty)
        {
            var end = message.IndexOf(separator);
            var record = end < 0 ? message : message[..end];
            if (!record.IsEmpty)
            {
                OnRecord(record);
            }

            message = end < 0 ? [] : message[(end + 1)..];
        }
    }

    private void OnRecord(ReadOnlySpan<byte> bytes)
    {
        var protocol = context.Protocol;
        var opened = _opened?.Task.IsCompleted ?? false;
        protocol.Parse(bytes, opened, _record);
        switch (_record.Kind)
        {
            case RecordKind.Opened:
                _opened?.TrySetResult();
                break;
            case RecordKind.OpenFailed:
                _opened?.TrySetException(new InvalidOperationException(_record.Error ?? "refused"));
                break;
            case RecordKind.EngineOpen:
                _ = ReplyAsync(protocol.OpenReply);
                break;
            case RecordKind.Ping:
                _ = ReplyAsync(protocol.Pong);
                break;
            case RecordKind.Event:
                foreach (var delivery in _record.Messages)
                {
                    if (_resuming)
                    {
                        _buffered.Add(delivery);
                    }
                    else
                    {
                        Apply(delivery, resumed: false);
                    }
                }

                break;
            case RecordKind.Completion:
                OnCompletion();
                break;
            case RecordKind.Closed:
                context.Counters.Error("server close", _record.Error ?? "closed");
                break;
        }
    }

    private void OnCompletion()
    {
        PendingCall? call;
        lock (_pending)
        {
            if (!_pending.Remove(_record.InvocationId, out call))
            {
                return;
            }

            if (call.Kind == CallKind.Send)
            {
                OutstandingSends--;
            }
        }

        if (_record.Error is { } error)
        {
            context.Counters.Add(Counter.SendErrors);
            context.Counters.Error(call.Kind.ToString().ToLowerInvariant(), error);
            call.Done?.TrySetException(new InvalidOperationException(error));
            return;
        }

        if (call.Kind == CallKind.Send)
        {
            context.Counters.Add(Counter.Acked);
            context.Counters.AckLatency.Record((DateTime.UtcNow.Ticks - call.Ticks) / 10.0);
        }
        else if (call.Kind == CallKind.Resume)
        {
            // The history first, then what arrived live meanwhile; overlap is expected and dropped.
            foreach (var delivery in _record.Messages)
            {
                Apply(delivery, resumed: true);
            }

            _resuming = false;
            _resumedUpTo = _lastSeq;
            foreach (var delivery in _buffered)
            {
                Apply(delivery, resumed: true);
            }

            _buffered.Clear();
        }

        call.Done?.TrySetResult();
    }

    private void Apply(Delivery delivery, bool resumed)
    {
        var counters = context.Counters;
        if (delivery.Seq > 0)
        {
            if (delivery.Seq <= _lastSeq)
            {
                // What Resume already returned may also arrive live right after: expected overlap, not a duplicate.
                if (!resumed && delivery.Seq > _resumedUpTo)
                {
                    if (delivery.Seq == _lastSeq)
                    {
                        counters.Add(Counter.Duplicates);
                    }
                    else
                    {
                        counters.Add(Counter.OutOfOrder);
                        counters.Add(Counter.SeqOutOfOrder);
                    }
                }

                return;
            }

            if (_lastSeq > 0 && delivery.Seq > _lastSeq + 1)
            {
                counters.Add(Counter.SeqGaps, delivery.Seq - _lastSeq - 1);
            }

            _lastSeq = delivery.Seq;
        }

        if (_lastBySender.TryGetValue(delivery.Sender, out var last))
        {
            if (delivery.Counter <= last)
            {
                counters.Add(delivery.Counter == last ? Counter.Duplicates : Counter.OutOfOrder);
                return;
            }

            if (delivery.Counter > last + 1)
            {
                counters.Add(Counter.SenderGaps, delivery.Counter - last - 1);
            }
        }

        _lastBySender[delivery.Sender] = delivery.Counter;
        if (resumed)
        {
            counters.Add(Counter.Resumed);
        }
        else
        {
            counters.Add(Counter.Delivered);
            counters.DeliverLatency.Record((DateTime.UtcNow.Ticks - delivery.SentTicks) / 10.0);
        }
    }

    private async Task ReplyAsync(ReadOnlyMemory<byte> data)
    {
        try
        {
            await SendRawAsync(data);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            context.Counters.Error("reply", ex.Message);
        }
    }

    /// <summary>Calls still waiting when the socket goes are lost: their acks will never come.</summary>
    private void FailPending()
    {
        List<PendingCall> lost;
        lock (_pending)
        {
            lost = [.. _pending.Values];
            _pending.Clear();
            OutstandingSends = 0;
        }

        foreach (var call in lost)
        {
            if (call.Kind == CallKind.Send)
            {
                context.Counters.Error("send", "connection lost before ack");
            }

            call.Done?.TrySetException(new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "connection lost"));
        }
    }
}
