using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace OrleansChat.Bench.Protocol;

/// <summary>
/// Socket.IO 4 over Engine.IO v4 on a WebSocket: the server opens with <c>0{...}</c>, the client joins
/// the default namespace with <c>40</c>; events are <c>42[name,...]</c> (with an ack id after 42),
/// acks <c>43id[...]</c>; the server pings with <c>2</c>, the client answers <c>3</c>.
/// </summary>
public sealed class SocketIoProtocol : IChatProtocol
{
    public string Name => "socketio-baseline";

    public bool UsesTokens => false;

    public byte? RecordSeparator => null;

    public ReadOnlyMemory<byte> ClientHello => ReadOnlyMemory<byte>.Empty;

    public ReadOnlyMemory<byte> KeepAlive => ReadOnlyMemory<byte>.Empty;

    public ReadOnlyMemory<byte> Pong { get; } = "3"u8.ToArray();

    public ReadOnlyMemory<byte> OpenReply { get; } = "40"u8.ToArray();

    public string UpgradePath(string userId, string? token) => $"/socket.io/?EIO=4&transport=websocket&user={Uri.EscapeDataString(userId)}";

    public void Parse(ReadOnlySpan<byte> record, bool opened, ServerRecord into)
    {
        into.Reset();
        if (record.IsEmpty)
        {
            return;
        }

        switch (record[0])
        {
            case (byte)'0':
                into.Kind = RecordKind.EngineOpen;
                return;
            case (byte)'2':
                into.Kind = RecordKind.Ping;
                return;
            case (byte)'1':
                into.Kind = RecordKind.Closed;
                return;
            case (byte)'4' when record.Length > 1:
                ParsePacket(record[1..], into);
                return;
        }
    }

    private static void ParsePacket(ReadOnlySpan<byte> packet, ServerRecord into)
    {
        var kind = packet[0];
        var body = packet[1..];
        switch (kind)
        {
            case (byte)'0':
                into.Kind = RecordKind.Opened;
                return;
            case (byte)'4':
                into.Kind = RecordKind.OpenFailed;
                into.Error = Encoding.UTF8.GetString(body);
                return;
            case (byte)'1':
                into.Kind = RecordKind.Closed;
                return;
            case (byte)'3':
                into.Kind = RecordKind.Completion;
                if (Utf8Parser.TryParse(body, out int id, out _))
                {
                    into.InvocationId = id;
                }

                return;
            case (byte)'2':
                ParseEvent(body, into);
                return;
        }
    }

    private static void ParseEvent(ReadOnlySpan<byte> body, ServerRecord into)
    {
        var start = body.IndexOf((byte)'[');
        if (start < 0)
        {
            return;
        }

        var reader = new Utf8JsonReader(body[start..]);
        var named = false;
        while (reader.Read())
        {
            if (!named && reader.TokenType == JsonTokenType.String && reader.CurrentDepth == 1)
            {
                named = true;
                if (!reader.ValueTextEquals("message"u8))
                {
                    return;
                }
            }
            else if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("text"u8))
            {
                reader.Read();
                if (Payload.TryRead(reader.ValueSpan, 0, out var delivery))
                {
                    into.Messages.Add(delivery);
                    into.Kind = RecordKind.Event;
                }
            }
        }
    }

    public int WriteJoin(Span<byte> destination, int invocationId, string roomId) =>
        Write(destination, $"42{invocationId}[\"join\",\"{roomId}\"]");

    public int WriteSend(Span<byte> destination, int invocationId, string roomId, string clientMsgId, ReadOnlySpan<byte> text) =>
        WriteWithText(destination, $"42{invocationId}[\"send\",{{\"room\":\"{roomId}\",\"id\":\"{clientMsgId}\",\"text\":\"", text);

    public int WriteDirect(Span<byte> destination, int invocationId, string toUser, string clientMsgId, ReadOnlySpan<byte> text) =>
        WriteWithText(destination, $"42{invocationId}[\"dm\",{{\"to\":\"{toUser}\",\"id\":\"{clientMsgId}\",\"text\":\"", text);

    /// <summary>Socket.IO has no history: a reconnecting client only re-joins and loses what it missed.</summary>
    public int WriteResume(Span<byte> destination, int invocationId, string roomId, long afterSeq) => 0;

    private static int WriteWithText(Span<byte> destination, [System.Runtime.CompilerServices.InterpolatedStringHandlerArgument(nameof(destination))] ref Utf8.TryWriteInterpolatedStringHandler head, ReadOnlySpan<byte> text)
    {
        if (!Utf8.TryWrite(destination, ref head, out var n))
        {
            throw new InvalidOperationException("packet larger than the send buffer");
        }

        text.CopyTo(destination[n..]);
        n += text.Length;
        "\"}]"u8.CopyTo(destination[n..]);
        return n + 3;
    }

    private static int Write(Span<byte> destination, [System.Runtime.CompilerServices.InterpolatedStringHandlerArgument(nameof(destination))] ref Utf8.TryWriteInterpolatedStringHandler handler) =>
        Utf8.TryWrite(destination, ref handler, out var written) ? written : throw new InvalidOperationException("packet larger than the send buffer");
}
