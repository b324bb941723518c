namespace OrleansChat.Edge.Telemetry;

/// <summary>
/// How logs and telemetry name this process: machine and process id, known from the first log line
/// on, before the silo (whose address is the node id in <c>/cluster</c>) runs.
/// </summary>
internal static class NodeName
{
    public static string Value { get; } = $"{Environment.MachineName}-{Environment.ProcessId}";
}
