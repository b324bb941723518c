using System.Globalization;

namespace OrleansChat.Edge.Refusals;

/// <summary>
/// A service failure as the client is told about it: the cause, when a retry makes sense, and
/// whether the call may still have taken effect. <see cref="Transient"/> failures are the ones a
/// retry (by the client, or by the node for idempotent calls) is expected to cure.
/// </summary>
public sealed record Refusal(RefusalCause Cause, TimeSpan RetryAfter, bool MayHaveCompleted)
{
    public bool Transient => Cause is not RefusalCause.Internal;

    /// <summary>A short label for logs and metrics, e.g. <c>message-store</c>.</summary>
    public string Label => Cause switch
    {
        RefusalCause.MessageStore => "message-store",
        RefusalCause.StateStore => "state-store",
        RefusalCause.Membership => "membership",
        RefusalCause.ClusterTimeout => "cluster-timeout",
        RefusalCause.NodeUnavailable => "node-unavailable",
        _ => "internal",
    };

    /// <summary>
    /// The sentence the client sees: what is unavailable, then "retry in N s". A call that may
    /// have completed says so, and that a send repeated with the same clientMsgId is stored once.
    /// </summary>
    public string Describe(string method, string? incidentId = null)
    {
        var what = Cause switch
        {
            RefusalCause.MessageStore => "message store unavailable",
            RefusalCause.StateStore => "room and user state store unavailable",
            RefusalCause.Membership => "cluster membership unavailable",
            RefusalCause.ClusterTimeout => "no answer from the cluster in time",
            RefusalCause.NodeUnavailable => "the node holding this room or user is leaving or restarting",
            _ => $"internal error{(incidentId is null ? "" : $" (logged as {incidentId})")}",
        };
        var seconds = RetryAfter.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
        var maybe = MayHaveCompleted ? "; it may still complete, and a send repeated with the same clientMsgId is stored once" : "";
        return $"{method}: {what}, retry in {seconds} s{maybe}";
    }
}
