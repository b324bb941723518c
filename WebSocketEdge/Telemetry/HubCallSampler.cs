using OpenTelemetry.Trace;

namespace OrleansChat.Edge.Telemetry;

/// <summary>
/// Traces start at hub calls only. Orleans' runtime source, which carries the spans of the hub's
/// grain calls, also makes a root span for every call of its own (membership probes, directory
/// lookups) several times a second; those would bury the chat's traces. So a span without a parent
/// is recorded only if it is a hub call (SignalR's hub spans have no parent), at the configured
/// ratio; every other span follows its parent's decision.
/// </summary>
internal sealed class HubCallSampler(double ratio) : Sampler
{
    /// <summary>The operation name SignalR gives a hub method's span (it shows as <c>Hub/Method</c>).</summary>
    private const string HubInvocation = "Microsoft.AspNetCore.SignalR.Server.InvocationIn";

    private readonly TraceIdRatioBasedSampler _ratio = new(ratio);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var parent = samplingParameters.ParentContext;
        if (parent.TraceId != default)
        {
            return new SamplingResult((parent.TraceFlags & System.Diagnostics.ActivityTraceFlags.Recorded) != 0);
        }

        return samplingParameters.Name == HubInvocation
            ? _ratio.ShouldSample(samplingParameters)
            : new SamplingResult(false);
    }
}
