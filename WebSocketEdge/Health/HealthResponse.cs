using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansChat.Edge.Health;

/// <summary>A small JSON body for <c>/health</c> that names the node which answered (useful through nginx).</summary>
internal static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var entry = report.Entries.Values.FirstOrDefault();
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            description = entry.Description,
            node = entry.Data?.GetValueOrDefault("node"),
            connections = entry.Data?.GetValueOrDefault("connections"),
            streamLag = entry.Data?.GetValueOrDefault("streamLag"),
        }));
    }
}
