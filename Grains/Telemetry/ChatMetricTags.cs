namespace OrleansChat.Telemetry;

/// <summary>Tag names and the fixed values they take, so that dashboards and alerts can rely on them.</summary>
public static class ChatMetricTags
{
    public const string Method = "method";
    public const string Outcome = "outcome";
    public const string Reason = "reason";
    public const string Operation = "operation";
    public const string Interface = "interface";

    public const string Ok = "ok";

    /// <summary>The chat said no (bad input, not a member, rate limit…); the reason is the error code.</summary>
    public const string Refused = "refused";

    /// <summary>The call failed for a reason on the server's side (timeout, silo gone, store or stream down, a fault).</summary>
    public const string Failed = "failed";
}
