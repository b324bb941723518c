using System.Text;
using System.Text.Json;
using OrleansChat.Bench.Protocol;

namespace OrleansChat.Tests.Bench;

/// <summary>The generator's two wire formats: what it writes must be what the servers expect, and it must read their frames right.</summary>
public sealed class ProtocolTests
{
    private static readonly byte[] Text = Encode(7, 42, 638000000000000000);

    [Fact]
    public void SignalR_message_event_yields_one_delivery_with_seq_sender_counter_and_send_time()
    {
        var record = new ServerRecord();
        new SignalRProtocol("/hubs/chat").Parse(Utf8(
            $"{{\"type\":1,\"target\":\"message\",\"arguments\":[{{\"roomId\":\"r\",\"seq\":5,\"senderId\":\"u7\",\"text\":\"{Encoding.UTF8.GetString(Text)}\",\"clientMsgId\":\"7-42\",\"sentAt\":\"2026-01-01T00:00:00Z\"}}]}}"),
            opened: true, record);

        Assert.Equal(RecordKind.Event, record.Kind);
        Assert.Equal(new Delivery(5, 7, 42, 638000000000000000), Assert.Single(record.Messages));
    }

    [Fact]
    public void SignalR_completion_is_an_ack_not_a_delivery_and_other_events_are_ignored()
    {
        var protocol = new SignalRProtocol("/hubs/chat");
        var record = new ServerRecord();
        protocol.Parse(Utf8($"{{\"type\":3,\"invocationId\":\"12\",\"result\":{{\"roomId\":\"r\",\"seq\":9,\"text\":\"{Encoding.UTF8.GetString(Text)}\"}}}}"), opened: true, record);
        Assert.Equal((RecordKind.Completion, 12, (string?)null), (record.Kind, record.InvocationId, record.Error));

        protocol.Parse(Utf8("{\"type\":3,\"invocationId\":\"13\",\"error\":\"rate limit exceeded, retry in 0.2 s\"}"), opened: true, record);
        Assert.Equal("rate limit exceeded, retry in 0.2 s", record.Error);

        protocol.Parse(Utf8("{\"type\":1,\"target\":\"read\",\"arguments\":[{\"roomId\":\"r\",\"userId\":\"u\",\"seq\":3}]}"), opened: true, record);
        Assert.Equal(RecordKind.Ignore, record.Kind);
    }

    [Fact]
    public void SignalR_send_invocation_is_valid_json_with_the_hub_method_and_arguments()
    {
        var buffer = new byte[512];
        var length = new SignalRProtocol("/hubs/chat").WriteSend(buffer, 3, "room-1", "7-42", Text);

        Assert.Equal(0x1e, buffer[length - 1]);
        using var json = JsonDocument.Parse(buffer.AsMemory(0, length - 1));
        Assert.Equal("SendMessage", json.RootElement.GetProperty("target").GetString());
        Assert.Equal("3", json.RootElement.GetProperty("invocationId").GetString());
        Assert.Equal(["room-1", "7-42", Encoding.UTF8.GetString(Text)], json.RootElement.GetProperty("arguments").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public void SocketIo_frames_are_read_by_engine_and_socket_packet_type()
    {
        var protocol = new SocketIoProtocol();
        var record = new ServerRecord();
        protocol.Parse(Utf8("0{\"sid\":\"x\",\"pingInterval\":25000}"), opened: false, record);
        Assert.Equal(RecordKind.EngineOpen, record.Kind);
        protocol.Parse(Utf8("40{\"sid\":\"y\"}"), opened: false, record);
        Assert.Equal(RecordKind.Opened, record.Kind);
        protocol.Parse(Utf8("2"), opened: true, record);
        Assert.Equal(RecordKind.Ping, record.Kind);
        protocol.Parse(Utf8("4317[{\"ok\":true}]"), opened: true, record);
        Assert.Equal((RecordKind.Completion, 17), (record.Kind, record.InvocationId));
        protocol.Parse(Utf8($"42[\"message\",{{\"room\":\"r\",\"from\":\"u7\",\"text\":\"{Encoding.UTF8.GetString(Text)}\"}}]"), opened: true, record);
        Assert.Equal(RecordKind.Event, record.Kind);
        Assert.Equal(new Delivery(0, 7, 42, 638000000000000000), Assert.Single(record.Messages));
    }

    [Fact]
    public void SocketIo_send_is_an_event_with_an_ack_id_and_a_json_body()
    {
        var buffer = new byte[512];
        var length = new SocketIoProtocol().WriteSend(buffer, 5, "room-1", "7-42", Text);
        var packet = Encoding.UTF8.GetString(buffer, 0, length);

        Assert.StartsWith("425[", packet);
        using var json = JsonDocument.Parse(packet[3..]);
        Assert.Equal("send", json.RootElement[0].GetString());
        Assert.Equal("room-1", json.RootElement[1].GetProperty("room").GetString());
        Assert.Equal(Encoding.UTF8.GetString(Text), json.RootElement[1].GetProperty("text").GetString());
    }

    private static byte[] Encode(int sender, long counter, long ticks)
    {
        var buffer = new byte[128];
        return buffer[..Payload.Write(buffer, sender, counter, ticks, 64)];
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
