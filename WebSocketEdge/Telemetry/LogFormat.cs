namespace OrleansChat.Edge.Telemetry;

/// <summary>How the node writes its console log.</summary>
public enum LogFormat
{
    /// <summary>.NET's default console lines, for people.</summary>
    Simple,

    /// <summary>One JSON object per line (<see cref="ChatJsonConsoleFormatter"/>), for log collectors.</summary>
    Json,
}
