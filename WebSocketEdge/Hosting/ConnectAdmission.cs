using System.Globalization;
using Microsoft.Extensions.Options;
using OrleansChat.Edge.Hubs;
using OrleansChat.Edge.Telemetry;

namespace OrleansChat.Edge.Hosting;

/// <summary>
/// Admits new hub connections at the rate this node can serve them. A connect costs grain calls
/// (the user grain, a subscribe per room the node does not follow yet), so under a storm (the
/// clients of a dead node all coming back at once) at most <see cref="EdgeOptions.MaxConnectsInFlight"/>
/// connect steps run at a time and up to <see cref="EdgeOptions.ConnectQueueLength"/> more wait
/// their turn. One more is refused at once, before any work, with 503, <c>Retry-After</c> and a
/// sentence saying when to retry: nginx then tries another node, and a client that gets the 503
/// waits and retries with jitter. Connections already open are never touched, so the node keeps
/// serving its clients while it admits the newcomers.
/// </summary>
/// <remarks>
/// A connection holds its place from its WebSocket upgrade (or Server-Sent Events stream) until its
/// connect step is done, or until the request ends without one. A negotiate only looks: it is
/// refused while the queue is full, so that browsers, which cannot read the status of a refused
/// WebSocket upgrade, see the 503 and its words. Long polling's connect cannot be told from its
/// polls, so it is never refused; its connect step waits for a running place like the others.
/// </remarks>
public sealed class ConnectAdmission
{
    /// <summary>The seconds a refused client is told to wait; clients add jitter on top.</summary>
    public const int RetryAfterSeconds = 2;

    private const string SlotKey = "chat.admission";

    private readonly SemaphoreSlim _running;
    private readonly int _maxPending;
    private int _pending;

    public ConnectAdmission(IOptions<EdgeOptions> options)
    {
        _running = new SemaphoreSlim(options.Value.MaxConnectsInFlight, options.Value.MaxConnectsInFlight);
        _maxPending = options.Value.MaxConnectsInFlight + options.Value.ConnectQueueLength;
    }

    /// <summary>Connections admitted whose connect step has not finished (running or waiting).</summary>
    public int Pending => Volatile.Read(ref _pending);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments(HubNames.HubPath))
        {
            await next(context);
            return;
        }

        if (request.Path.StartsWithSegments(HubNames.HubPath + "/negotiate"))
        {
            if (Pending >= _maxPending)
            {
                await RefuseAsync(context);
                return;
            }

            await next(context);
            return;
        }

        if (!UserConnectionLimit.HoldsSocket(request))
        {
            // Sends and polls of open connections, and long polling's first poll (which cannot be
            // told from the others): never refused here; their connect steps still take turns.
            await next(context);
            return;
        }

        if (Interlocked.Increment(ref _pending) > _maxPending)
        {
            Interlocked.Decrement(ref _pending);
            await RefuseAsync(context);
            return;
        }

        var slot = new Slot(this);
        context.Items[SlotKey] = slot;
        try
        {
            await next(context);
        }
        finally
        {
            slot.Release();
        }
    }

    /// <summary>
    /// Runs the hub's connect step for the connection of <paramref name="context"/> once one of the
    /// running places is free, then gives its place in the queue up. A long-polling connection has
    /// no place in the queue (it was never refused) but waits for its turn all the same.
    /// </summary>
    public async Task RunAsync(HttpContext? context, Func<Task> connect, CancellationToken aborted)
    {
        var slot = context?.Items[SlotKey] as Slot;
        try
        {
            await _running.WaitAsync(aborted);
            try
            {
                await connect();
            }
            finally
            {
                _running.Release();
            }
        }
        finally
        {
            slot?.Release();
        }
    }

    private Task RefuseAsync(HttpContext context)
    {
        EdgeMetrics.ConnectionRefused(EdgeMetrics.RefusedBusy);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return context.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture,
            $"this node is admitting connections as fast as it can and its queue is full; retry in {RetryAfterSeconds} s, or connect to another node"));
    }

    /// <summary>One connection's place; released once, whichever comes first: its connect step done, or its request over.</summary>
    private sealed class Slot(ConnectAdmission owner)
    {
        private int _released;

        public void Release()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Decrement(ref owner._pending);
            }
        }
    }
}
