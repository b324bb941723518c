using System.IO.Pipelines;

namespace OrleansChat.Edge.Hosting;

/// <summary>
/// A connection's output as SignalR sees it (<see cref="SlowConsumerGuard"/>): writes pass through
/// until a flush finds the transport's pipe full. Then <c>cut</c> gets the real pipe once (to finish
/// it), SignalR is told the pipe is completed, and every later write lands in a scratch buffer that
/// is dropped, so nothing more queues for the connection, neither in the pipe nor in SignalR's
/// waiting writes.
/// </summary>
public sealed class SlowConsumerWriter(PipeWriter inner, Action<PipeWriter> cut) : PipeWriter
{
    private static readonly FlushResult Completed = new(isCanceled: false, isCompleted: true);
    private byte[] _scratch = [];
    private bool _cut;
    private bool _completed;

    public override void Advance(int bytes)
    {
        if (!_cut)
        {
            inner.Advance(bytes);
        }
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) => _cut ? Scratch(sizeHint) : inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => _cut ? Scratch(sizeHint).Span : inner.GetSpan(sizeHint);

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null)
    {
        if (!_cut && !_completed)
        {
            _completed = true;
            inner.Complete(exception);
        }
    }

    public override ValueTask CompleteAsync(Exception? exception = null)
    {
        Complete(exception);
        return ValueTask.CompletedTask;
    }

    public override bool CanGetUnflushedBytes => !_cut && inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => _cut ? 0 : inner.UnflushedBytes;

    /// <summary>SignalR flushes under its per-connection write lock, so flushes never run at the same time.</summary>
    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_cut)
        {
            return ValueTask.FromResult(Completed);
        }

        var flush = inner.FlushAsync(cancellationToken);
        if (flush.IsCompleted)
        {
            return flush;
        }

        // The pipe holds its limit: the client is that far behind. The pending flush completes
        // when the transport ends; SignalR must not wait for it (writes would queue behind it).
        _cut = true;
        cut(inner);
        return ValueTask.FromResult(Completed);
    }

    private Memory<byte> Scratch(int sizeHint)
    {
        if (_scratch.Length < Math.Max(sizeHint, 1))
        {
            _scratch = new byte[Math.Max(sizeHint, 4096)];
        }

        return _scratch;
    }
}
