using OrleansChat.Edge.Routing.Feeds;
using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using OrleansChat.Silo.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using OrleansChat.Edge.Auth;
using OrleansChat.Edge.Health;
using OrleansChat.Edge.Hubs;
using OrleansChat.Edge.RateLimiting;
using OrleansChat.Edge.Rooms;
using OrleansChat.Edge.Routing;
using OrleansChat.Nodes;

namespace OrleansChat.Edge.Hosting;

public static class ChatEdgeExtensions
{
    /// <summary>The hub, its routing, auth, rate limits and health: everything the edge serves next to the silo.</summary>
    public static WebApplicationBuilder AddChatEdge(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<EdgeOptions, EdgeOptionsValidator>(builder.Configuration, EdgeOptions.Section);
        services.AddValidatedOptions<AuthOptions, AuthOptionsValidator>(builder.Configuration, AuthOptions.Section);
        services.AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(builder.Configuration, RateLimitOptions.Section);

        services.AddSingleton<ConnectionLimit>();
        services.AddSingleton<UserConnectionLimit>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<UserRateLimiter>();
        services.AddSingleton<DirectRoomJoins>();
        services.AddSingleton<LocalRoutes>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RoomSocketWriter>();
        services.AddSingleton<RoomFeeds>();
        services.AddSingleton<FailoverRetry>();
        services.AddSingleton<ChatNode>();
        services.AddSingleton<ILocalChatNode>(sp => sp.GetRequiredService<ChatNode>());
        services.AddHostedService<ChatNodeService>();
        services.AddProblemDetails();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenIssuer>((jwt, issuer) =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = issuer.ValidationParameters;
                jwt.Events = new JwtBearerEvents
                {
                    // Browsers cannot set headers on WebSockets; the official clients send the token as a query parameter.
                    OnMessageReceived = context =>
                    {
                        var token = context.Request.Query["access_token"];
                        if (!string.IsNullOrEmpty(token) && context.HttpContext.Request.Path.StartsWithSegments(HubNames.HubPath))
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },

                    // A hub connection keeps its principal for as long as it lives. Keep only the user
                    // id, not the parsed token and its six claims (measured: ~3 KB per connection).
                    OnTokenValidated = context =>
                    {
                        if (context.Principal?.FindFirst(JwtRegisteredClaimNames.Sub)?.Value is { } userId)
                        {
                            context.Principal = SlimPrincipal(userId, context.Scheme.Name);
                        }

                        return Task.CompletedTask;
                    },
                };
            });
        services.AddAuthorization();

        services.AddSingleton<IUserIdProvider, SubjectUserIdProvider>();
        services.AddSignalR(o => o.AddFilter<ChatErrorFilter>())
            .AddJsonProtocol(o =>
            {
                o.PayloadSerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
                o.PayloadSerializerOptions.Converters.Add(new UtcTimestampConverter());
            });

        services.AddHealthChecks().AddCheck<ChatHealthCheck>("chat");
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<EdgeOptions>>((kestrel, edge) =>
            kestrel.Limits.MaxConcurrentUpgradedConnections = ConnectionLimit.BackstopFor(edge.Value.MaxConnections));
        return builder;
    }

    public static WebApplication MapChatEdge(this WebApplication app)
    {
        var limit = app.Services.GetRequiredService<ConnectionLimit>();
        app.Use((context, next) => limit.InvokeAsync(context, next));
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        var userLimit = app.Services.GetRequiredService<UserConnectionLimit>();
        app.Use((context, next) => userLimit.InvokeAsync(context, next));

        if (app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.DevTokens)
        {
            app.MapPost(DevTokenEndpoint.Path, DevTokenEndpoint.HandleAsync);
        }

        app.MapHub<ChatHub>(HubNames.HubPath);
        app.MapGet(RoomActivityEndpoint.Path, RoomActivityEndpoint.Handle).RequireAuthorization();
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync });
        return app;
    }

    internal static ClaimsPrincipal SlimPrincipal(string userId, string authenticationType) =>
        new(new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, userId)], authenticationType, JwtRegisteredClaimNames.Sub, roleType: null));
}
