using System.Diagnostics.Metrics;

namespace OrleansChat.Telemetry;

/// <summary>
/// Counts the grain and node calls this process makes, by interface and method. What one connect,
/// join or send costs in calls is read from the difference of these counters before and after it
/// (docs/architecture.md keeps those counts, and a cluster test asserts them); in operation the
/// rate per method shows which path the cluster's traffic takes. With no listener a call pays a flag check.
/// </summary>
public sealed class GrainCallMetrics : IOutgoingGrainCallFilter
{
    private static readonly Counter<long> Calls = ChatTelemetry.Meter.CreateCounter<long>(ChatMetricNames.GrainCalls, "{call}", "Grain and node calls made by this process");

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (Calls.Enabled)
        {
            Calls.Add(1,
                new KeyValuePair<string, object?>(ChatMetricTags.Interface, context.InterfaceMethod?.DeclaringType?.Name ?? context.InterfaceName),
                new KeyValuePair<string, object?>(ChatMetricTags.Method, context.MethodName));
        }

        return context.Invoke();
    }
}
