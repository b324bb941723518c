using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansChat.Silo.Hosting;
using OrleansChat.Edge.Auth;
using OrleansChat.Edge.Cluster;
using OrleansChat.Edge.Health;
using OrleansChat.Edge.Hubs;
using OrleansChat.Edge.RateLimiting;
using OrleansChat.Edge.Rooms;
using OrleansChat.Edge.Telemetry;
using OrleansChat.Edge.Routing;
using OrleansChat.Edge.Routing.Feeds;
using OrleansChat.Nodes;

namespace OrleansChat.Edge.Hosting;

public static class ChatEdgeExtensions
{
    /// <summary>The category of ASP.NET Core's per-request log lines.</summary>
    internal const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>The hub, its routing, auth, rate limits and health: everything the edge serves next to the silo.</summary>
    public static WebApplicationBuilder AddChatEdge(this WebApplicationBuilder builder)
    {
        var services = builder.Services;

        // ASP.NET Core's request start and finish lines quote the query string, and browsers'
        // WebSocket clients carry their bearer token there: those lines are never written, whatever
        // level the configuration asks for (a rule added after the configuration's wins for the same
        // category). nginx's access log leaves the query out for the same reason.
        builder.Logging.AddFilter(RequestLogCategory, LogLevel.Warning);
        services.AddValidatedOptions<EdgeOptions, EdgeOptionsValidator>(builder.Configuration, EdgeOptions.Section);
        services.AddValidatedOptions<AuthOptions, AuthOptionsValidator>(builder.Configuration, AuthOptions.Section);
        services.AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(builder.Configuration, RateLimitOptions.Section);

        services.AddSingleton<ConnectionLimit>();
        services.AddSingleton<UserConnectionLimit>();
        services.AddSingleton<ConnectAdmission>();
        services.AddSingleton<UserRateLimiter>();
        services.AddSingleton<TypingThrottle>();
        services.AddSingleton<RoomList>();
        services.AddSingleton<SlowConsumerGuard>();
        services.AddSingleton<DirectRoomJoins>();
        services.AddSingleton<LocalRoutes>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RoomSocketWriter>();
        services.AddSingleton<RoomFeeds>();
        services.AddSingleton<FailoverRetry>();
        services.AddSingleton<SendLanes>();
        // The node closes connections through it (an operator's disconnect); AddChatCluster also makes it the hub filter that registers them.
        services.TryAddSingleton<OpenConnections>();
        services.AddSingleton<ChatNode>();
        services.AddSingleton<ILocalChatNode>(sp => sp.GetRequiredService<ChatNode>());
        services.AddHostedService<ChatNodeService>();
        services.AddProblemDetails();

        services.AddChatAuth();

        services.AddSingleton<IUserIdProvider, SubjectUserIdProvider>();

        // The metrics filter sits inside the error filter, so it sees refusals with their codes.
        services.AddSignalR(o =>
            {
                o.AddFilter<ChatErrorFilter>();
                o.AddFilter<HubCallMetricsFilter>();
            })
            .AddJsonProtocol(o => ConfigurePayloadJson(o.PayloadSerializerOptions));

        services.AddHealthChecks().AddCheck<ChatHealthCheck>("chat");
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<EdgeOptions>>((kestrel, edge) =>
            kestrel.Limits.MaxConcurrentUpgradedConnections = ConnectionLimit.BackstopFor(edge.Value.MaxConnections));
        return builder;
    }

    public static WebApplication MapChatEdge(this WebApplication app)
    {
        app.Use(SecurityHeaders.InvokeAsync);
        var limit = app.Services.GetRequiredService<ConnectionLimit>();
        app.Use((context, next) => limit.InvokeAsync(context, next));
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        var userLimit = app.Services.GetRequiredService<UserConnectionLimit>();
        app.Use((context, next) => userLimit.InvokeAsync(context, next));
        var admission = app.Services.GetRequiredService<ConnectAdmission>();
        app.Use((context, next) => admission.InvokeAsync(context, next));

        app.MapChatAuth();

        // The hub's own mapping (what MapHub does), with the slow-consumer guard between SignalR and
        // each connection's transport. A connection ends when its token expires: the client's
        // automatic reconnect asks for a fresh token, so a revoked user is gone within one token lifetime.
        var guard = app.Services.GetRequiredService<SlowConsumerGuard>();
        var dispatch = new HttpConnectionDispatcherOptions
        {
            CloseOnAuthenticationExpiration = true,
            TransportMaxBufferSize = guard.MaxQueuedBytes,
        };
        app.MapConnections(HubNames.HubPath, dispatch, connection =>
            {
                connection.Use(next => context => guard.RunAsync(context, next));
                connection.UseHub<ChatHub>();
            })
            .WithMetadata(typeof(ChatHub).GetCustomAttributes(inherit: true))
            .WithMetadata(new HubMetadata(typeof(ChatHub)));
        app.MapGet(RoomActivityEndpoint.Path, RoomActivityEndpoint.Handle).RequireAuthorization();
        app.MapHealthChecks(HealthResponse.LivePath, HealthResponse.Liveness);
        app.MapHealthChecks(HealthResponse.ReadyPath, HealthResponse.Readiness);
        return app;
    }

    /// <summary>
    /// No nulls, timestamps with a <c>Z</c>, and text as it is. SignalR's JSON protocol already uses
    /// the relaxed encoder; it is set here as well so that a change of that default cannot start
    /// writing every non-ASCII character as a six-byte <c>\uXXXX</c> (a page of Cyrillic or CJK
    /// messages two to three times larger). It still escapes quotes, backslashes and control
    /// characters, all JSON needs; HTML characters stay as they are, which is safe because clients
    /// parse frames as JSON and never paste them into HTML.
    /// </summary>
    internal static void ConfigurePayloadJson(JsonSerializerOptions json)
    {
        json.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        json.Converters.Add(new UtcTimestampConverter());
        json.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    }
}
