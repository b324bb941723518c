using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Deploy;

/// <summary>
/// An OpenID Connect provider in the test process: a discovery document and a JWKS with one RSA and
/// one P-256 key on a free loopback port, and a signer for tokens as such a provider issues them.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestIdentityProvider(WebApplication app, string issuer, RsaSecurityKey rsa, ECDsaSecurityKey ec)
    {
        _app = app;
        Issuer = issuer;
        Rsa = rsa;
        Ec = ec;
    }

    public string Issuer { get; }

    public RsaSecurityKey Rsa { get; }

    public ECDsaSecurityKey Ec { get; }

    public int JwksRequests { get; private set; }

    public static async Task<TestIdentityProvider> StartAsync()
    {
        var issuer = $"http://127.0.0.1:{Ports.Free()}";
        var rsa = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa-" + Guid.NewGuid().ToString("N")[..8] };
        var ec = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ec-" + Guid.NewGuid().ToString("N")[..8] };
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(issuer);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        TestIdentityProvider? provider = null;
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = issuer,
            ["jwks_uri"] = $"{issuer}/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256", "ES256" },
        }));
        app.MapGet("/jwks", () =>
        {
            provider!.JwksRequests++;
            return Results.Json(new { keys = new[] { PublicJwk(rsa), PublicJwk(ec) } });
        });
        provider = new TestIdentityProvider(app, issuer, rsa, ec);
        await app.StartAsync().WaitAsync(TestIds.Timeout);
        return provider;
    }

    /// <summary>A token as the provider would sign it; every part can be spoilt by the caller.</summary>
    public string Sign(SecurityKey key, string algorithm, string userId, string audience, string? issuer = null, TimeSpan? expiresIn = null, string userIdClaim = "sub")
    {
        var now = DateTime.UtcNow;
        var expires = now + (expiresIn ?? TimeSpan.FromMinutes(10));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            IssuedAt = expires < now ? expires.AddMinutes(-10) : now,
            NotBefore = expires < now ? expires.AddMinutes(-10) : now,
            Expires = expires,
            Claims = new Dictionary<string, object> { [userIdClaim] = userId },
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    private static Dictionary<string, string> PublicJwk(RsaSecurityKey key)
    {
        var p = key.Rsa.ExportParameters(includePrivateParameters: false);
        return new() { ["kty"] = "RSA", ["use"] = "sig", ["kid"] = key.KeyId, ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent) };
    }

    private static Dictionary<string, string> PublicJwk(ECDsaSecurityKey key)
    {
        var p = key.ECDsa.ExportParameters(includePrivateParameters: false);
        return new() { ["kty"] = "EC", ["use"] = "sig", ["crv"] = "P-256", ["kid"] = key.KeyId, ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y) };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TestIds.Timeout);
        await _app.DisposeAsync();
    }
}
