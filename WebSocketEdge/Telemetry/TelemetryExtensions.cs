using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Hosting;
using OrleansChat.Telemetry;

namespace OrleansChat.Edge.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>Meters besides the chat's own: Orleans (activations, messaging, storage), the .NET runtime (GC, thread pool), Kestrel and SignalR connections.</summary>
    internal static readonly string[] OtherMeters =
        ["Microsoft.Orleans", "System.Runtime", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections"];

    /// <summary>
    /// Each metric stream of another library holds at most this many tag combinations. The SDK's
    /// default (2 000) preallocates ~144 KB per instrument, ~18 MB for Orleans' ~127 alone, for
    /// combinations these meters never reach.
    /// </summary>
    private const int OtherMetersCardinalityLimit = 100;

    /// <summary>Where Prometheus scrapes a node, on its internal port only.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Metrics (Prometheus, on the internal port), traces (OTLP, when an endpoint is set) and the
    /// console log format. With the internal port off and no OTLP endpoint, nothing is collected.
    /// </summary>
    public static WebApplicationBuilder AddChatTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>().Bind(builder.Configuration.GetSection(TelemetryOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();

        // Read now as well: these settings shape the host itself.
        var telemetry = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (new TelemetryOptionsValidator().Validate(null, telemetry) is { Failed: true } invalid)
        {
            throw new OptionsValidationException(TelemetryOptions.Section, typeof(TelemetryOptions), invalid.Failures);
        }

        if (telemetry.LogFormat == LogFormat.Json)
        {
            builder.Logging.AddConsole(o => o.FormatterName = ChatJsonConsoleFormatter.FormatterName)
                .AddConsoleFormatter<ChatJsonConsoleFormatter, ConsoleFormatterOptions>();
        }

        var metrics = ServesMetrics(builder.Configuration);
        var tracing = telemetry.OtlpEndpoint.Length > 0;
        if (!metrics && !tracing)
        {
            return builder;
        }

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("orleans-chat", serviceInstanceId: NodeName.Value));
        if (metrics)
        {
            otel.WithMetrics(meters => meters
                .AddMeter(ChatTelemetry.MeterName)
                .AddMeter(OtherMeters)
                .AddView(instrument => instrument.Meter.Name == ChatTelemetry.MeterName
                    ? null
                    : new MetricStreamConfiguration { CardinalityLimit = OtherMetersCardinalityLimit })
                .AddPrometheusExporter());
        }

        if (tracing)
        {
            // Orleans makes a span per grain call and carries the trace id from silo to silo; the
            // hub's calls into the silo it hosts come from Orleans' runtime source.
            builder.UseOrleans(silo => silo.AddActivityPropagation());
            otel.WithTracing(traces => traces
                .AddSource(ChatTelemetry.ActivitySourceName, Orleans.Diagnostics.ActivitySources.ApplicationGrainActivitySourceName, Orleans.Diagnostics.ActivitySources.RuntimeActivitySourceName, "Microsoft.AspNetCore.SignalR.Server")
                .SetSampler(new HubCallSampler(telemetry.TraceSampleRatio))
                .AddOtlpExporter(otlp =>
                {
                    otlp.Endpoint = TracesEndpoint(telemetry);
                    otlp.Protocol = telemetry.OtlpProtocol;
                }));
        }

        return builder;
    }

    /// <summary>Maps <c>/metrics</c> on the internal port's branch when metrics are on; the public port never has it.</summary>
    public static IEndpointRouteBuilder MapChatMetrics(this IEndpointRouteBuilder endpoints)
    {
        if (ServesMetrics(endpoints.ServiceProvider.GetRequiredService<IConfiguration>()))
        {
            endpoints.MapPrometheusScrapingEndpoint(MetricsPath);
        }

        return endpoints;
    }

    /// <summary>
    /// Over HTTP the exporter posts to the URL as given, so a bare collector address gets the traces
    /// path that collectors listen on; gRPC takes the address alone.
    /// </summary>
    internal static Uri TracesEndpoint(TelemetryOptions telemetry)
    {
        var endpoint = new Uri(telemetry.OtlpEndpoint);
        return telemetry.OtlpProtocol == OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf && endpoint.AbsolutePath is "" or "/"
            ? new Uri(endpoint, "/v1/traces")
            : endpoint;
    }

    private static bool ServesMetrics(IConfiguration configuration) =>
        (configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>()?.Metrics ?? true)
        && (configuration.GetSection(EdgeOptions.Section).Get<EdgeOptions>()?.InternalPort ?? 0) > 0;
}
