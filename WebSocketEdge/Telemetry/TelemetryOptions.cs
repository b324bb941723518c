using OpenTelemetry.Exporter;

namespace OrleansChat.Edge.Telemetry;

/// <summary>Metrics, traces and the log format. Section <c>Chat:Telemetry</c>.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Chat:Telemetry";

    /// <summary>
    /// Whether the internal port serves Prometheus metrics at <c>/metrics</c> (needs
    /// <c>Chat:Edge:InternalPort</c>; with the internal port off nothing is collected). Default true.
    /// </summary>
    public bool Metrics { get; set; } = true;

    /// <summary>
    /// Where traces go by OTLP, e.g. <c>http://collector:4317</c>. Empty: no tracing at all (no spans
    /// are made, nothing is sent). Default empty.
    /// </summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary>OTLP transport: <c>Grpc</c> (port 4317 by convention) or <c>HttpProtobuf</c> (4318, path <c>/v1/traces</c>). Default Grpc.</summary>
    public OtlpExportProtocol OtlpProtocol { get; set; } = OtlpExportProtocol.Grpc;

    /// <summary>
    /// Share of new traces recorded (0 to 1); a call that arrives with a sampled parent is always
    /// recorded. Lower it under heavy load: each recorded send makes about ten spans. Default 1.
    /// </summary>
    public double TraceSampleRatio { get; set; } = 1;

    /// <summary><c>Simple</c>: .NET's readable console lines. <c>Json</c>: one JSON object per line with node id and trace id. Default Simple.</summary>
    public LogFormat LogFormat { get; set; } = LogFormat.Simple;
}
