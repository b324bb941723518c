using System.Collections.Frozen;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.SignalR;
using OrleansChat.Edge.Hubs;
using OrleansChat.Messages;
using OrleansChat.Telemetry;

namespace OrleansChat.Edge.Telemetry;

/// <summary>
/// Counts and times every hub call by method and outcome. It sits inside <see cref="ChatErrorFilter"/>,
/// so it sees the chat's own refusals with their codes before they become <see cref="HubException"/>s:
/// <c>refused</c> carries the error code as reason (<c>rate_limited</c> is the rate limiter),
/// <c>failed</c> says what failed on the server's side.
/// </summary>
public sealed class HubCallMetricsFilter : IHubFilter
{
    private static readonly Counter<long> Calls = ChatTelemetry.Meter.CreateCounter<long>(ChatMetricNames.HubCalls, "{call}", "Hub calls by method, outcome and reason");
    private static readonly Histogram<double> Duration = ChatTelemetry.SecondsHistogram(ChatMetricNames.HubCallDuration, "Hub calls from arrival to answer; for sends, send to ack");

    private static readonly FrozenDictionary<ChatErrorCode, string> RefusalReasons = Enum.GetValues<ChatErrorCode>()
        .ToFrozenDictionary(code => code, code => SnakeCase(code.ToString()));

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var method = invocationContext.HubMethodName;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await next(invocationContext);
            Record(method, started, ChatMetricTags.Ok, null);
            if (method is nameof(ChatHub.SendMessage) or nameof(ChatHub.SendDirect))
            {
                EdgeMetrics.MessageSent();
            }

            return result;
        }
        catch (Exception ex)
        {
            Record(method, started, Classify(ex, out var reason), reason);
            throw;
        }
    }

    /// <summary>The outcome of a failed call and its reason, in words that stay fixed for dashboards.</summary>
    internal static string Classify(Exception exception, out string reason)
    {
        switch (exception)
        {
            case ChatException chat:
                reason = RefusalReasons.GetValueOrDefault(chat.Code, "other");
                return ChatMetricTags.Refused;
            case HubException:
                // Thrown by the hub itself (a token without a user, an argument SignalR could not bind).
                reason = "bad_request";
                return ChatMetricTags.Refused;
            case TimeoutException:
                reason = "timeout";
                return ChatMetricTags.Failed;
            case SiloUnavailableException or OrleansMessageRejectionException:
                reason = "unavailable";
                return ChatMetricTags.Failed;
            default:
                reason = "error";
                return ChatMetricTags.Failed;
        }
    }

    private static void Record(string method, long started, string outcome, string? reason)
    {
        Duration.Record(ChatTelemetry.SecondsSince(started),
            new KeyValuePair<string, object?>(ChatMetricTags.Method, method),
            new KeyValuePair<string, object?>(ChatMetricTags.Outcome, outcome));
        Calls.Add(1,
            new KeyValuePair<string, object?>(ChatMetricTags.Method, method),
            new KeyValuePair<string, object?>(ChatMetricTags.Outcome, outcome),
            new KeyValuePair<string, object?>(ChatMetricTags.Reason, reason ?? ""));
    }

    private static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
