using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.SignalR;
using OrleansChat.Edge.Hosting;
using OrleansChat.Edge.Health;
using OrleansChat.Edge.Hubs;
using OrleansChat.Edge.Telemetry;
using Orleans.Dashboard;
using Orleans.Hosting;

namespace OrleansChat.Edge.Cluster;

/// <summary>What a node needs to live in a cluster: draining on SIGTERM, recovery after a silo death, and the operators' internal port.</summary>
public static class ClusterEdgeExtensions
{
    public static WebApplicationBuilder AddChatCluster(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<DrainState>();
        services.TryAddSingleton<OpenConnections>();
        services.Configure<HubOptions>(o => o.AddFilter<OpenConnections>());
        services.AddSingleton<DrainService>();
        services.AddHostedService(sp => sp.GetRequiredService<DrainService>());
        services.AddSingleton<IHostLifetime, DrainingLifetime>();
        services.AddHostedService<MembershipWatcher>();

        // The internal port and the dashboard decide which listeners and services the host has, so
        // they are read while it is built; EdgeOptionsValidator checks the same values at start.
        var internalPort = builder.Configuration.GetValue<int>($"{EdgeOptions.Section}:{nameof(EdgeOptions.InternalPort)}");
        if (internalPort > 0)
        {
            if (builder.Configuration.GetValue($"{EdgeOptions.Section}:{nameof(EdgeOptions.Dashboard)}", new EdgeOptions().Dashboard))
            {
                builder.UseOrleans(silo => silo.AddDashboard());
            }

            builder.WebHost.UseUrls([.. PublicUrls(builder.Configuration), InternalUrl(builder.Configuration, internalPort)]);
        }

        return builder;
    }

    /// <summary>
    /// Goes first in the pipeline. Requests that arrived on the internal port get the dashboard and
    /// the cluster view; those are never mapped on the public port, whatever the Host header says.
    /// A draining node answers 503 to new hub connections, <c>/health</c> and <c>/ready</c>.
    /// </summary>
    public static WebApplication UseChatCluster(this WebApplication app)
    {
        var drain = app.Services.GetRequiredService<DrainState>();
        app.Use((context, next) =>
        {
            if (drain.IsDraining && (context.Request.Path.StartsWithSegments(HubNames.HubPath) || context.Request.Path.StartsWithSegments(HealthResponse.LivePath) || context.Request.Path.StartsWithSegments(HealthResponse.ReadyPath)))
            {
                if (ConnectionLimit.OpensConnection(context.Request))
                {
                    EdgeMetrics.ConnectionRefused(EdgeMetrics.RefusedDraining);
                }

                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "1";
                return Task.CompletedTask;
            }

            return next(context);
        });

        var edge = app.Services.GetRequiredService<IOptions<EdgeOptions>>().Value;
        if (edge.InternalPort > 0)
        {
            var internalPort = edge.InternalPort;
            app.MapWhen(context => context.Connection.LocalPort == internalPort, branch =>
            {
                branch.UseRouting();
                branch.UseEndpoints(endpoints =>
                {
                    if (edge.Dashboard)
                    {
                        endpoints.MapOrleansDashboard(routePrefix: "/dashboard");
                    }

                    endpoints.MapGet(ClusterStatusEndpoint.Path, ClusterStatusEndpoint.Handle);
                    endpoints.MapPost(DisconnectUserEndpoint.Path, DisconnectUserEndpoint.HandleAsync);
                    endpoints.MapChatMetrics();
                });
            });
        }

        return app;
    }

    private static string[] PublicUrls(IConfiguration configuration) =>
        (configuration[WebHostDefaults.ServerUrlsKey] ?? "http://localhost:5000")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The internal port listens on the same host as the first public URL: loopback locally, the container's interfaces in compose.</summary>
    private static string InternalUrl(IConfiguration configuration, int port)
    {
        var first = new Uri(PublicUrls(configuration)[0].Replace("*", "0.0.0.0", StringComparison.Ordinal).Replace("+", "0.0.0.0", StringComparison.Ordinal));
        return $"http://{first.Host}:{port}";
    }
}
