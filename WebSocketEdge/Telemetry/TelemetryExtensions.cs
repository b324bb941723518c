using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;
using Orleans.Hosting;
using OrleansChat.Silo.Hosting;
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
        var configuration = builder.Configuration;
        builder.Services.AddValidatedOptions<TelemetryOptions, TelemetryOptionsValidator>(configuration, TelemetryOptions.Section);

        // The log format, whether metrics are served and whether traces are made decide which
        // services the host has, so they are read while it is built; the validator checks the same
        // values at start. The rest (OTLP protocol, sample ratio) is read from the bound options.
        if (configuration.GetValue($"{TelemetryOptions.Section}:{nameof(TelemetryOptions.LogFormat)}", LogFormat.Simple) == LogFormat.Json)
        {
            builder.Logging.AddConsole(o => o.FormatterName = ChatJsonConsoleFormatter.FormatterName)
                .AddConsoleFormatter<ChatJsonConsoleFormatter, ConsoleFormatterOptions>();
        }

        var metrics = configuration.GetValue($"{TelemetryOptions.Section}:{nameof(TelemetryOptions.Metrics)}", new TelemetryOptions().Metrics)
            && configuration.GetValue<int>($"{EdgeOptions.Section}:{nameof(EdgeOptions.InternalPort)}") > 0;
        var tracing = !string.IsNullOrEmpty(configuration[$"{TelemetryOptions.Section}:{nameof(TelemetryOptions.OtlpEndpoint)}"]);
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
            builder.Services.AddOptions<OtlpExporterOptions>().Configure<IOptions<TelemetryOptions>>((otlp, telemetry) =>
            {
                otlp.Endpoint = TracesEndpoint(telemetry.Value);
                otlp.Protocol = telemetry.Value.OtlpProtocol;
            });
            otel.WithTracing(traces => traces
                .AddSource(ChatTelemetry.ActivitySourceName, ActivitySources.ApplicationGrainActivitySourceName, ActivitySources.RuntimeActivitySourceName, "Microsoft.AspNetCore.SignalR.Server")
                .SetSampler(services => new HubCallSampler(services.GetRequiredService<IOptions<TelemetryOptions>>().Value.TraceSampleRatio))
                .AddOtlpExporter());
        }

        return builder;
    }

    /// <summary>Maps <c>/metrics</c> on the internal port's branch when metrics are on; the public port never has it.</summary>
    public static IEndpointRouteBuilder MapChatMetrics(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<TelemetryOptions>>().Value.Metrics)
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
        return telemetry.OtlpProtocol == OtlpExportProtocol.HttpProtobuf && endpoint.AbsolutePath is "" or "/"
            ? new Uri(endpoint, "/v1/traces")
            : endpoint;
    }
}
