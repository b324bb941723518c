using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansChat.Edge.Telemetry;

namespace OrleansChat.Tests.Unit;

public sealed class ChatJsonConsoleFormatterTests
{
    [Fact]
    public void A_line_is_one_json_object_with_node_fields_and_the_current_trace()
    {
        using var activity = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();
        var line = Format(LogLevel.Warning, new Dictionary<string, object?> { ["RoomId"] = "r-1", ["{OriginalFormat}"] = "Room {RoomId} <gone>" }, "Room r-1 <gone>");

        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal("warn", json.GetProperty("level").GetString());
        Assert.Equal("Room r-1 <gone>", json.GetProperty("message").GetString());
        Assert.Equal("r-1", json.GetProperty("fields").GetProperty("RoomId").GetString());
        Assert.False(json.GetProperty("fields").TryGetProperty("{OriginalFormat}", out _));
        Assert.Equal($"{Environment.MachineName}-{Environment.ProcessId}", json.GetProperty("node").GetString());
        Assert.Equal(activity.TraceId.ToHexString(), json.GetProperty("traceId").GetString());
        Assert.Equal(activity.SpanId.ToHexString(), json.GetProperty("spanId").GetString());
        Assert.Contains("<gone>", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Outside_a_trace_a_line_has_no_trace_id()
    {
        Activity.Current = null;
        var json = JsonDocument.Parse(Format(LogLevel.Information, new Dictionary<string, object?>(), "started")).RootElement;
        Assert.False(json.TryGetProperty("traceId", out _));
        Assert.Equal("info", json.GetProperty("level").GetString());
    }

    private static string Format(LogLevel level, IReadOnlyDictionary<string, object?> state, string message)
    {
        var fields = state.ToList();
        var entry = new LogEntry<IReadOnlyList<KeyValuePair<string, object?>>>(level, "OrleansChat.Test", new EventId(7, "Tested"), fields, null, (_, _) => message);
        using var writer = new StringWriter();
        new ChatJsonConsoleFormatter().Write(entry, null, writer);
        var text = writer.ToString();
        Assert.EndsWith(Environment.NewLine, text, StringComparison.Ordinal);
        Assert.Single(text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        return text;
    }
}
