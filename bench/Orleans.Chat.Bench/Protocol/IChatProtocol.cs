namespace OrleansChat.Bench.Protocol;

public enum RecordKind
{
    Ignore,
    Opened,
    OpenFailed,
    Event,
    Completion,
    Ping,
    EngineOpen,
    Closed,
}

/// <summary>One parsed server record; reused by its connection's receive loop to keep receiving allocation-free.</summary>
public sealed class ServerRecord
{
    public RecordKind Kind { get; set; }

    public int InvocationId { get; set; } = -1;

    public string? Error { get; set; }

    /// <summary>Chat messages in the record: the <c>message</c> event's one, or a completion's result list.</summary>
    public List<Delivery> Messages { get; } = [];

    public void Reset()
    {
        Kind = RecordKind.Ignore;
        InvocationId = -1;
        Error = null;
        Messages.Clear();
    }
}

/// <summary>The wire format of one server family: how to open, what to send, how to read what comes back.</summary>
public interface IChatProtocol
{
    string Name { get; }

    bool UsesTokens { get; }

    /// <summary>Byte that separates records inside one WebSocket message, or null when each message is one record.</summary>
    byte? RecordSeparator { get; }

    string UpgradePath(string userId, string? token);

    /// <summary>Sent right after the upgrade, or empty when the server speaks first.</summary>
    ReadOnlyMemory<byte> ClientHello { get; }

    /// <summary>Sent every keep-alive period by the client, or empty when the server pings.</summary>
    ReadOnlyMemory<byte> KeepAlive { get; }

    ReadOnlyMemory<byte> Pong { get; }

    /// <summary>What the client answers to <see cref="RecordKind.EngineOpen"/>.</summary>
    ReadOnlyMemory<byte> OpenReply { get; }

    void Parse(ReadOnlySpan<byte> record, bool opened, ServerRecord into);

    int WriteJoin(Span<byte> destination, int invocationId, string roomId);

    int WriteSend(Span<byte> destination, int invocationId, string roomId, string clientMsgId, ReadOnlySpan<byte> text);

    int WriteDirect(Span<byte> destination, int invocationId, string toUser, string clientMsgId, ReadOnlySpan<byte> text);

    /// <summary>Asks for everything after <paramref name="afterSeq"/>; returns 0 when the server has no resume.</summary>
    int WriteResume(Span<byte> destination, int invocationId, string roomId, long afterSeq);
}
