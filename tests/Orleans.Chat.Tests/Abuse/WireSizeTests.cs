using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using OrleansChat.Edge.Hosting;
using OrleansChat.Messages;

namespace OrleansChat.Tests.Abuse;

/// <summary>What the node's JSON protocol puts on the wire for text outside ASCII.</summary>
public sealed class WireSizeTests
{
    [Fact]
    public void Non_ascii_text_goes_out_as_utf8_not_as_escapes()
    {
        var options = new JsonHubProtocolOptions();
        ChatEdgeExtensions.ConfigurePayloadJson(options.PayloadSerializerOptions);
        var protocol = new JsonHubProtocol(Microsoft.Extensions.Options.Options.Create(options));
        var text = new string('Ж', ChatLimits.MaxTextLength);
        var message = new ChatMessage("room", 1, "alice", text + " <b>&'\"\\\n", "c1", DateTimeOffset.UnixEpoch);

        var bytes = protocol.GetMessageBytes(new CompletionMessage("1", null, new[] { message }, hasResult: true)).ToArray();

        var json = Encoding.UTF8.GetString(bytes.AsSpan(0, bytes.Length - 1));
        Assert.InRange(bytes.Length, Encoding.UTF8.GetByteCount(text), Encoding.UTF8.GetByteCount(text) + 300);
        Assert.Contains(text, json, StringComparison.Ordinal);
        // Still valid JSON that reads back to the same text, quotes and control characters included.
        var parsed = JsonDocument.Parse(json).RootElement.GetProperty("result")[0].GetProperty("text").GetString();
        Assert.Equal(message.Text, parsed);
    }
}
