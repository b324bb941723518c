using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using OrleansChat.Edge.Hubs;
using OrleansChat.Messages;

namespace OrleansChat.Edge.Auth;

/// <summary>Bearer tokens for the hub and the API: from an identity provider, a host application's shared key, or dev tokens.</summary>
public static class ChatAuthExtensions
{
    public static IServiceCollection AddChatAuth(this IServiceCollection services)
    {
        services.AddSingleton<TokenIssuer>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenIssuer, IOptions<AuthOptions>>((jwt, issuer, auth) =>
            {
                var options = auth.Value;
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = issuer.ValidationParameters;
                if (options.Authority.Length > 0)
                {
                    // Discovery and JWKS: the handler fetches and caches the provider's keys, and
                    // fetches again when a token names a key it does not know (key rotation).
                    jwt.Authority = options.Authority;
                    jwt.RequireHttpsMetadata = options.RequireHttpsMetadata;
                }

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
                    // id, not the parsed token and its claims (measured: ~3 KB per connection).
                    OnTokenValidated = context =>
                    {
                        var userId = context.Principal?.FindFirst(options.UserIdClaim)?.Value;
                        if (userId is null || !ChatLimits.IsValidId(userId))
                        {
                            context.Fail($"the token's '{options.UserIdClaim}' claim is missing or not a valid user id (1-64 of A-Z a-z 0-9 _ . -)");
                            return Task.CompletedTask;
                        }

                        context.Principal = SlimPrincipal(userId, context.Scheme.Name);
                        return Task.CompletedTask;
                    },
                };
            });
        services.AddAuthorization();
        return services;
    }

    /// <summary>The token endpoints: dev tokens only when asked for (loudly outside Development), and what the page needs to sign in.</summary>
    public static WebApplication MapChatAuth(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        if (options.DevTokens)
        {
            app.MapPost(DevTokenEndpoint.Path, DevTokenEndpoint.HandleAsync);
            if (!app.Environment.IsDevelopment())
            {
                AuthLog.DevTokensOn(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ChatAuthExtensions).FullName!), app.Environment.EnvironmentName, DevTokenEndpoint.Path);
            }
        }

        app.MapGet(AuthConfigEndpoint.Path, AuthConfigEndpoint.Handle);
        return app;
    }

    internal static ClaimsPrincipal SlimPrincipal(string userId, string authenticationType) =>
        new(new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, userId)], authenticationType, JwtRegisteredClaimNames.Sub, roleType: null));
}
