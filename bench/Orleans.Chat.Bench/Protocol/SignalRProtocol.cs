using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace OrleansChat.Bench.Protocol;

/// <summary>
/// The SignalR JSON hub protocol, spoken directly over a WebSocket: handshake
/// <c>{"protocol":"json","version":1}</c>, then records ended by 0x1E — invocations (type 1),
/// completions (3), pings (6) and close (7).
/// </summary>
public sealed class SignalRProtocol(string hubPath) : IChatProtocol
{
    private const byte Separator = 0x1e;

    public string Name => "orleans-chat";

    public bool UsesTokens => true;

    public byte? RecordSeparator => Separator;

    public ReadOnlyMemory<byte> ClientHello { get; } = Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e");

    public ReadOnlyMemory<byte> KeepAlive { get; } = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");

    public ReadOnlyMemory<byte> Pong => ReadOnlyMemory<byte>.Empty;

    public ReadOnlyMemory<byte> OpenReply => ReadOnlyMemory<byte>.Empty;

    public string UpgradePath(string userId, string? token) => $"{hubPath}?access_token={Uri.EscapeDataString(token ?? "")}";

    public void Parse(ReadOnlySpan<byte> record, bool opened, ServerRecord into)
    {
        into.Reset();
        var reader = new Utf8JsonReader(record);
        var type = 0;
        var isMessageEvent = false;
        long seq = -1;
        Delivery? pending = null;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                var top = reader.CurrentDepth == 1;
                if (top && reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    type = reader.GetInt32();
                }
                else if (top && reader.ValueTextEquals("target"u8))
                {
                    reader.Read();
                    isMessageEvent = reader.ValueTextEquals("message"u8);
                }
                else if (top && reader.ValueTextEquals("invocationId"u8))
                {
                    reader.Read();
                    into.InvocationId = int.Parse(reader.ValueSpan);
                }
                else if (top && reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    into.Error = reader.GetString();
                }
                else if (!top && reader.ValueTextEquals("seq"u8))
                {
                    reader.Read();
                    seq = reader.GetInt64();
                }
                else if (!top && reader.ValueTextEquals("text"u8))
                {
                    reader.Read();
                    pending = reader.TokenType == JsonTokenType.String && Payload.TryRead(reader.ValueSpan, 0, out var d) ? d : null;
                }
            }
            else if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth >= 1)
            {
                // One ChatMessage object ended (the event's argument or one item of a result list).
                if (pending is { } found && seq >= 0)
                {
                    into.Messages.Add(found with { Seq = seq });
                }

                pending = null;
                seq = -1;
            }
        }

        into.Kind = !opened ? (into.Error is null ? RecordKind.Opened : RecordKind.OpenFailed)
            : type switch
            {
                1 when isMessageEvent => RecordKind.Event,
                3 => RecordKind.Completion,
                7 => RecordKind.Closed,
                _ => RecordKind.Ignore,
            };
    }

    public int WriteJoin(Span<byte> destination, int invocationId, string roomId) =>
        Write(destination, $"{{\"type\":1,\"invocationId\":\"{invocationId}\",\"target\":\"JoinRoom\",\"arguments\":[\"{roomId}\"]}}");

    public int WriteSend(Span<byte> destination, int invocationId, string roomId, string clientMsgId, ReadOnlySpan<byte> text) =>
        WriteCall(destination, invocationId, "SendMessage", roomId, clientMsgId, text);

    public int WriteDirect(Span<byte> destination, int invocationId, string toUser, string clientMsgId, ReadOnlySpan<byte> text) =>
        WriteCall(destination, invocationId, "SendDirect", toUser, clientMsgId, text);

    public int WriteResume(Span<byte> destination, int invocationId, string roomId, long afterSeq) =>
        Write(destination, $"{{\"type\":1,\"invocationId\":\"{invocationId}\",\"target\":\"Resume\",\"arguments\":[\"{roomId}\",{afterSeq}]}}");

    private static int WriteCall(Span<byte> destination, int invocationId, string target, string first, string clientMsgId, ReadOnlySpan<byte> text)
    {
        var n = Write(destination, $"{{\"type\":1,\"invocationId\":\"{invocationId}\",\"target\":\"{target}\",\"arguments\":[\"{first}\",\"{clientMsgId}\",\"") - 1;
        text.CopyTo(destination[n..]);
        n += text.Length;
        "\"]}\u001e"u8.CopyTo(destination[n..]);
        return n + 4;
    }

    // Ids and the payload use only JSON-safe characters, so no escaping is needed.
    private static int Write(Span<byte> destination, [System.Runtime.CompilerServices.InterpolatedStringHandlerArgument(nameof(destination))] ref Utf8.TryWriteInterpolatedStringHandler handler)
    {
        if (!Utf8.TryWrite(destination, ref handler, out var written))
        {
            throw new InvalidOperationException("record larger than the send buffer");
        }

        destination[written] = Separator;
        return written + 1;
    }
}
