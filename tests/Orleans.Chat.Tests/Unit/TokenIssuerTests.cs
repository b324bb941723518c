using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrleansChat.Edge.Auth;
using OrleansChat.Edge;
using OrleansChat.Silo.Options;

namespace OrleansChat.Tests.Unit;

public sealed class TokenIssuerTests
{
    private static readonly AuthOptions Auth = new()
    {
        SigningKey = "a-signing-key-of-at-least-32-characters",
        TokenLifetime = TimeSpan.FromMinutes(10),
    };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task An_issued_token_is_accepted_until_it_expires_and_refused_from_then_on()
    {
        var issuer = new TokenIssuer(Options.Create(Auth), _time);
        var (token, expiresAt) = issuer.Issue("alice");

        _time.SetUtcNow(expiresAt - TimeSpan.FromSeconds(1));
        var before = await ValidateAsync(issuer, token);
        _time.SetUtcNow(expiresAt + TimeSpan.FromSeconds(1));
        var after = await ValidateAsync(issuer, token);

        Assert.True(before.IsValid, before.Exception?.Message);
        Assert.Equal("alice", before.ClaimsIdentity.Name);
        Assert.False(after.IsValid);
        Assert.IsType<SecurityTokenInvalidLifetimeException>(after.Exception);
    }

    [Fact]
    public async Task A_node_whose_clock_runs_a_little_behind_the_issuer_accepts_a_fresh_token()
    {
        var now = _time.GetUtcNow();
        var (slightlyAhead, _) = new TokenIssuer(Options.Create(Auth), new FakeTimeProvider(now + TimeSpan.FromSeconds(20))).Issue("alice");
        var (farAhead, _) = new TokenIssuer(Options.Create(Auth), new FakeTimeProvider(now + TimeSpan.FromMinutes(2))).Issue("alice");
        var checker = new TokenIssuer(Options.Create(Auth), _time);

        var slightly = await ValidateAsync(checker, slightlyAhead);
        var far = await ValidateAsync(checker, farAhead);

        Assert.True(slightly.IsValid, slightly.Exception?.Message);
        Assert.False(far.IsValid);
    }

    [Fact]
    public async Task A_token_without_an_expiry_is_refused()
    {
        var issuer = new TokenIssuer(Options.Create(Auth), _time);
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Auth.Issuer,
            Audience = Auth.Audience,
            Claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Sub] = "mallory" },
            SigningCredentials = new SigningCredentials(issuer.SigningKey, SecurityAlgorithms.HmacSha256),
        });

        var result = await ValidateAsync(issuer, token);

        Assert.False(result.IsValid);
    }

    [Theory]
    [InlineData("http://idp.example", true, "RS256", "must be https")]
    [InlineData("idp.example", true, "RS256", "absolute http(s) URL")]
    [InlineData("https://idp.example", true, "HS256", "Algorithms must list")]
    [InlineData("https://idp.example", true, "none", "Algorithms must list")]
    [InlineData("https://idp.example", true, "", "Algorithms must list")]
    public void Identity_provider_settings_that_would_weaken_checks_are_refused_naming_the_option(string authority, bool requireHttps, string algorithms, string expected)
    {
        var validator = new AuthOptionsValidator(Options.Create(new ChatClusterOptions()));

        var result = validator.Validate(null, new AuthOptions { Authority = authority, RequireHttpsMetadata = requireHttps, Algorithms = algorithms });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage);
        Assert.Contains("Chat:Auth:", result.FailureMessage);
    }

    [Fact]
    public void A_cluster_needs_a_shared_key_unless_an_identity_provider_alone_signs_tokens()
    {
        var validator = new AuthOptionsValidator(Options.Create(new ChatClusterOptions { Clustering = ClusteringMode.Redis }));

        var providerOnly = validator.Validate(null, new AuthOptions { Authority = "https://idp.example" });
        var devTokensNoKey = validator.Validate(null, new AuthOptions { Authority = "https://idp.example", DevTokens = true });
        var nothing = validator.Validate(null, new AuthOptions());

        Assert.True(providerOnly.Succeeded, providerOnly.FailureMessage);
        Assert.True(devTokensNoKey.Failed);
        Assert.True(nothing.Failed);
        Assert.Contains("SigningKey", nothing.FailureMessage);
    }

    private static Task<TokenValidationResult> ValidateAsync(TokenIssuer issuer, string token) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token, issuer.ValidationParameters).WaitAsync(TimeSpan.FromSeconds(10));
}
