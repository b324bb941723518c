using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansChat.Edge.Auth;

/// <summary>Signs and describes the bearer tokens the hub accepts (HMAC-SHA256, <c>sub</c> = user id).</summary>
public sealed class TokenIssuer
{
    private readonly AuthOptions _options;
    private readonly TimeProvider _time;
    /// <summary>
    /// How far a node's clock may run behind the one that issued a token: a token is accepted this
    /// long before its <c>nbf</c>. Expiry gets no such slack, since the contract refuses expired tokens.
    /// </summary>
    private static readonly TimeSpan NotBeforeTolerance = TimeSpan.FromSeconds(30);

    private readonly JsonWebTokenHandler _handler = new();

    public TokenIssuer(IOptions<AuthOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        var key = _options.SigningKey.Length > 0 ? Encoding.UTF8.GetBytes(_options.SigningKey) : RandomNumberGenerator.GetBytes(32);
        SigningKey = new SymmetricSecurityKey(key);
    }

    public SymmetricSecurityKey SigningKey { get; }

    public TokenValidationParameters ValidationParameters => new()
    {
        ValidIssuer = _options.Issuer,
        ValidAudience = _options.Audience,
        IssuerSigningKey = SigningKey,
        NameClaimType = JwtRegisteredClaimNames.Sub,
        LifetimeValidator = IsWithinLifetime,
    };

    private bool IsWithinLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return expires is { } expiry && now < expiry && (notBefore is not { } start || now + NotBeforeTolerance >= start);
    }

    public (string Token, DateTimeOffset ExpiresAt) Issue(string userId)
    {
        var now = _time.GetUtcNow();
        var expires = now + _options.TokenLifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Sub] = userId },
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }
}
