using Microsoft.Extensions.Options;
using OrleansChat.Silo.Options;

namespace OrleansChat.Edge;

public sealed class AuthOptionsValidator(IOptions<ChatClusterOptions> cluster) : IValidateOptions<AuthOptions>
{
    /// <summary>Algorithms an identity provider's tokens may use: asymmetric only, so a public key can never double as an HMAC secret.</summary>
    public static readonly IReadOnlySet<string> AsymmetricAlgorithms =
        new HashSet<string>(StringComparer.Ordinal) { "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512" };

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = new List<string>();
        var section = AuthOptions.Section;
        if (options.SigningKey.Length is > 0 and < 32)
        {
            errors.Add($"{section}:SigningKey must be at least 32 characters");
        }

        // Without a shared key each node signs and checks with its own random one: fine alone, but a
        // token from one node would be refused by the next. Only an identity provider alone needs no key.
        var needsSharedKey = options.DevTokens || options.Authority.Length == 0;
        if (options.SigningKey.Length == 0 && needsSharedKey && cluster.Value.Clustering != ClusteringMode.Localhost)
        {
            errors.Add($"{section}:SigningKey must be set when nodes form a cluster ({ChatClusterOptions.Section}:Clustering={cluster.Value.Clustering}) and tokens are signed with it: every node must accept every token");
        }

        if (string.IsNullOrWhiteSpace(options.Issuer) || string.IsNullOrWhiteSpace(options.Audience))
        {
            errors.Add($"{section}:Issuer and {section}:Audience must not be empty");
        }

        if (options.TokenLifetime < TimeSpan.FromMinutes(1) || options.TokenLifetime > AuthOptions.MaxTokenLifetime)
        {
            // The upper bound is how long a leaked token, or a user no longer given tokens, can stay connected.
            errors.Add($"{section}:TokenLifetime must be between 1 minute and {AuthOptions.MaxTokenLifetime.TotalHours:0} hours (was {options.TokenLifetime})");
        }

        if (options.Authority.Length > 0)
        {
            if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            {
                errors.Add($"{section}:Authority must be an absolute http(s) URL (was '{options.Authority}')");
            }
            else if (authority.Scheme == "http" && options.RequireHttpsMetadata)
            {
                errors.Add($"{section}:Authority must be https (was '{options.Authority}'); set {section}:RequireHttpsMetadata=false only for a provider on the same host");
            }

            var algorithms = options.AlgorithmList;
            if (algorithms.Count == 0 || algorithms.Any(a => !AsymmetricAlgorithms.Contains(a)))
            {
                errors.Add($"{section}:Algorithms must list one or more of {string.Join(", ", AsymmetricAlgorithms)} (was '{options.Algorithms}')");
            }
        }

        if (string.IsNullOrWhiteSpace(options.UserIdClaim))
        {
            errors.Add($"{section}:UserIdClaim must name a claim, e.g. sub");
        }

        if (options.SignInUrl.Length > 0 && !Uri.TryCreate(options.SignInUrl, UriKind.RelativeOrAbsolute, out _))
        {
            errors.Add($"{section}:SignInUrl must be a URL (was '{options.SignInUrl}')");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
