using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansChat.Edge.Health;

/// <summary>
/// <c>/health</c> (liveness: 200 while the silo is active, also when degraded) and <c>/ready</c>
/// (readiness: 200 only when every shared dependency answers), with one small JSON body that names
/// the node which answered (useful through nginx) and the state of each dependency.
/// </summary>
internal static class HealthResponse
{
    public const string LivePath = "/health";
    public const string ReadyPath = "/ready";

    public static HealthCheckOptions Liveness => new() { ResponseWriter = WriteAsync };

    public static HealthCheckOptions Readiness => new()
    {
        ResponseWriter = WriteAsync,
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    };

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var entry = report.Entries.Values.FirstOrDefault();
        var data = entry.Data ?? new Dictionary<string, object>();
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            ready = report.Status == HealthStatus.Healthy,
            description = entry.Description,
            node = data.GetValueOrDefault("node"),
            connections = data.GetValueOrDefault("connections"),
            streamLag = data.GetValueOrDefault("streamLag"),
            dependencies = new
            {
                silo = data.GetValueOrDefault("silo"),
                store = data.GetValueOrDefault("store"),
                stream = data.GetValueOrDefault("stream"),
            },
        }));
    }
}
