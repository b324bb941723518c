using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OrleansChat.Edge.Refusals;
using OrleansChat.Grains.Background;
using OrleansChat.Grains.Sending;
using OrleansChat.Rooms;
using OrleansChat.Telemetry;
using Orleans.Runtime;

namespace OrleansChat.Edge.Routing;

/// <summary>
/// This node's sends to room grains, one lane per silo the rooms were last seen on (each answer
/// names its room's silo). A lane with no call in flight sends at once, straight to the room;
/// sends that arrive while a call is in flight wait for it and then go together, as one call to
/// that silo's <see cref="ISendGateway"/>. No timer: a quiet node sends exactly as before, a busy
/// one crosses to each silo once per round trip instead of once per send.
/// A room whose silo is not known yet (or was forgotten after a failover) is sent to directly.
/// </summary>
public sealed class SendLanes(IGrainFactory grains, SendGateways gateways, ILogger<SendLanes> logger)
{
    /// <summary>Sends per call at most; more waiting go in the calls after.</summary>
    internal const int MaxBatch = 64;

    /// <summary>Rooms remembered at most; past it the map starts again (each room is relearned by its next send).</summary>
    private const int MaxRooms = 100_000;

    private static readonly Counter<long> Batched = ChatTelemetry.Meter.CreateCounter<long>(ChatMetricNames.SendBatched, "{message}", "Sends that shared a call to their room's silo");
    private static readonly Counter<long> BatchCallCount = ChatTelemetry.Meter.CreateCounter<long>(ChatMetricNames.SendBatchCalls, "{call}", "Calls to send gateways that carried them");

    private readonly SendGateways _gateways = gateways;
    private readonly ILogger _logger = logger;
    private readonly ConcurrentDictionary<string, string> _roomSilos = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    /// <summary>Sends that went in a batch of two or more, and the calls that carried them (what the meter counts as chat.send.batched and chat.send.batch_calls).</summary>
    public long BatchedSends => Interlocked.Read(ref _batchedSends);

    public long BatchCalls => Interlocked.Read(ref _batchCalls);

    private long _batchedSends;
    private long _batchCalls;

    public Task<SendReceipt> SendAsync(SendRequest send)
    {
        if (!_roomSilos.TryGetValue(send.RoomId, out var silo))
        {
            return SendDirectAsync(send);
        }

        var lane = _lanes.GetOrAdd(silo, static (key, owner) => new Lane(owner, owner._gateways.On(SiloAddress.FromParsableString(key))), this);
        return lane.Post(send);
    }

    private async Task<SendReceipt> SendDirectAsync(SendRequest send)
    {
        try
        {
            var receipt = await grains.GetGrain<IRoomGrain>(send.RoomId).SendFromNode(send.NodeId, send.SenderId, send.ClientMsgId, send.Text);
            Learn(send.RoomId, receipt.Silo);
            return receipt;
        }
        catch (Exception ex) when (IsFailover(ex))
        {
            _roomSilos.TryRemove(send.RoomId, out _);
            throw;
        }
    }

    /// <summary>A failure the node's retry sends again because the room's silo died or did not answer: the room may be elsewhere now.</summary>
    private static bool IsFailover(Exception ex) =>
        RefusalClassifier.Classify(ex).Cause is RefusalCause.NodeUnavailable or RefusalCause.ClusterTimeout;

    private void Learn(string roomId, string? silo)
    {
        if (silo is null)
        {
            return;
        }

        if (_roomSilos.Count >= MaxRooms)
        {
            _roomSilos.Clear();
        }

        _roomSilos[roomId] = silo;
    }

    private sealed class Pending(SendRequest send)
    {
        public SendRequest Send { get; } = send;

        public TaskCompletionSource<SendReceipt> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Lane(SendLanes owner, ISendGateway gateway)
    {
        private readonly Lock _lock = new();
        private readonly Queue<Pending> _waiting = new();
        private bool _inFlight;

        public Task<SendReceipt> Post(SendRequest send)
        {
            var pending = new Pending(send);
            lock (_lock)
            {
                _waiting.Enqueue(pending);
                if (_inFlight)
                {
                    return pending.Answer.Task;
                }

                _inFlight = true;
            }

            // PumpAsync gives every send its own outcome; Forget only covers a fault of the pump itself.
            PumpAsync().Forget(owner._logger, "A send lane");
            return pending.Answer.Task;
        }

        /// <summary>One call at a time: what waits when it returns is the next call. Never throws (each send gets its own outcome).</summary>
        private async Task PumpAsync()
        {
            while (true)
            {
                List<Pending> batch;
                lock (_lock)
                {
                    if (_waiting.Count == 0)
                    {
                        _inFlight = false;
                        return;
                    }

                    batch = new List<Pending>(Math.Min(_waiting.Count, MaxBatch));
                    while (batch.Count < MaxBatch && _waiting.TryDequeue(out var next))
                    {
                        batch.Add(next);
                    }
                }

                if (batch.Count == 1)
                {
                    await SendOneAsync(batch[0]);
                }
                else
                {
                    await SendBatchAsync(batch);
                }
            }
        }

        private async Task SendOneAsync(Pending pending)
        {
            try
            {
                pending.Answer.SetResult(await owner.SendDirectAsync(pending.Send));
            }
            catch (Exception ex)
            {
                pending.Answer.SetException(ex);
            }
        }

        private async Task SendBatchAsync(List<Pending> batch)
        {
            Interlocked.Add(ref owner._batchedSends, batch.Count);
            Interlocked.Increment(ref owner._batchCalls);
            Batched.Add(batch.Count);
            BatchCallCount.Add(1);
            SendOutcome[] outcomes;
            try
            {
                outcomes = await gateway.Send(batch.Select(p => p.Send).ToArray());
            }
            catch (Exception ex)
            {
                // The gateway's silo is gone or unreachable: each send fails as its own call would
                // have, and the node's failover retry sends it again, straight to its room.
                var failover = IsFailover(ex);
                foreach (var pending in batch)
                {
                    if (failover)
                    {
                        owner._roomSilos.TryRemove(pending.Send.RoomId, out _);
                    }

                    pending.Answer.SetException(ex);
                }

                return;
            }

            for (var i = 0; i < batch.Count; i++)
            {
                var (pending, outcome) = (batch[i], i < outcomes.Length ? outcomes[i] : null);
                if (outcome?.Receipt is { } receipt)
                {
                    owner.Learn(pending.Send.RoomId, receipt.Silo);
                    pending.Answer.SetResult(receipt);
                }
                else
                {
                    var error = outcome?.Error ?? new InvalidOperationException("the send gateway gave no outcome");
                    if (IsFailover(error))
                    {
                        owner._roomSilos.TryRemove(pending.Send.RoomId, out _);
                    }

                    pending.Answer.SetException(error);
                }
            }
        }
    }
}
