using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansChat.Edge.Auth;

/// <summary>
/// Signs dev tokens (HS256 with <see cref="AuthOptions.SigningKey"/>, the user id in <c>sub</c> and in
/// <see cref="AuthOptions.UserIdClaim"/>) and describes which tokens the node accepts.
/// </summary>
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

    /// <summary>
    /// Whether HS256 tokens are accepted: with a configured key, or with dev tokens (signed by this
    /// node's key). An identity provider alone leaves the random key unused, so nothing else can pass.
    /// </summary>
    private bool AcceptsSharedKey => _options.SigningKey.Length > 0 || _options.DevTokens || _options.Authority.Length == 0;

    /// <summary>
    /// The algorithms are pinned: HS256 only with the shared key, and the identity provider's
    /// configured asymmetric ones. The provider's issuer and keys are added by the JWT handler
    /// from its discovery document.
    /// </summary>
    public TokenValidationParameters ValidationParameters => new()
    {
        ValidIssuer = _options.Issuer,
        ValidAudience = _options.Audience,
        IssuerSigningKey = AcceptsSharedKey ? SigningKey : null,
        ValidAlgorithms = (AcceptsSharedKey ? [SecurityAlgorithms.HmacSha256] : Array.Empty<string>())
            .Concat(_options.Authority.Length > 0 ? _options.AlgorithmList : []).ToList(),
        NameClaimType = _options.UserIdClaim,
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
        var claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Sub] = userId, [_options.UserIdClaim] = userId };
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }
}
