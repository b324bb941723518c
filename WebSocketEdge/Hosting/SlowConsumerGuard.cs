using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace OrleansChat.Edge.Hosting;

/// <summary>
/// Bounds what the node holds for one hub connection. SignalR writes each event into the
/// connection's output pipe, whose flush stops completing once <see cref="EdgeOptions.MaxQueuedBytesPerConnection"/>
/// bytes wait unsent (the transport's buffer limit); past that point SignalR would park every
/// further event in memory (one waiting write each, holding the serialized event) for as long as the
/// client reads slowly, without limit. This guard sits between SignalR and that pipe: the first
/// flush that does not complete at once means the client is that far behind, and the connection is
/// cut. The client's automatic reconnect then resumes by seq, which costs the node one bounded
/// <c>Resume</c> per room rather than an unbounded queue.
/// </summary>
public sealed partial class SlowConsumerGuard(IOptions<EdgeOptions> options, ILogger<SlowConsumerGuard> logger)
{
    /// <summary>The reason the client reads in SignalR's close message, if it reads that far.</summary>
    public const string CloseReason = "slow consumer: the client fell too far behind its events; reconnect and resume by seq";

    /// <summary>Marks a connection the guard cut (in the connection's items), for the close-reason metric.</summary>
    public static readonly object CutMark = new();

    public long MaxQueuedBytes { get; } = options.Value.MaxQueuedBytesPerConnection;

    private readonly TimeSpan _closeGrace = options.Value.SlowConsumerCloseGrace;

    /// <summary>Connection middleware: runs the hub with the guarded output.</summary>
    public async Task RunAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var transport = connection.Transport;
        connection.Transport = new GuardedPipe(transport.Input, new SlowConsumerWriter(transport.Output, inner => Cut(connection, inner)));
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = transport;
        }
    }

    private void Cut(ConnectionContext connection, PipeWriter output)
    {
        LogSlowConsumer(logger, connection.ConnectionId, MaxQueuedBytes);
        connection.Items[CutMark] = true;

        // The close message goes behind what the pipe holds (the bound plus one event), the pipe is
        // completed so the transport sends it all and closes, and the socket is aborted after the
        // grace if the client has not taken it by then. Only the JSON protocol (text) is served.
        var text = connection.Features.Get<ITransferFormatFeature>()?.ActiveFormat != TransferFormat.Binary;
        if (text)
        {
            new JsonHubProtocol().WriteMessage(new CloseMessage(CloseReason, allowReconnect: true), output);
        }

        output.Complete();
        var timer = new Timer(static state => ((ConnectionContext)state!).Abort(new ConnectionAbortedException(CloseReason)), connection, _closeGrace, Timeout.InfiniteTimeSpan);
        connection.ConnectionClosed.Register(static state => ((Timer)state!).Dispose(), timer);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId} closed as a slow consumer: {Bytes} bytes waited for its client; it reconnects and resumes by seq")]
    private static partial void LogSlowConsumer(ILogger logger, string connectionId, long bytes);

    private sealed class GuardedPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
