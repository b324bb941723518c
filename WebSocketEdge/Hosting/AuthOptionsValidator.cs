using Microsoft.Extensions.Options;
using OrleansChat.Silo.Options;

namespace OrleansChat.Edge;

public sealed class AuthOptionsValidator(IOptions<ChatClusterOptions> cluster) : IValidateOptions<AuthOptions>
{
    /// <summary>The signing key docker-compose.yml falls back to when CHAT_SIGNING_KEY is unset; published, so for local use only.</summary>
    public const string ComposeSampleKey = "compose-development-key-change-me-0123456789";

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = new List<string>();
        if (options.SigningKey == ComposeSampleKey && !options.DevTokens)
        {
            // Dev tokens off means tokens are meant to be scarce; a key everyone can read signs them for anyone.
            errors.Add($"{AuthOptions.Section}:SigningKey is the sample key published in docker-compose.yml, and dev tokens are off: anyone could sign tokens with it. Set CHAT_SIGNING_KEY (at least 32 characters)");
        }

        if (options.SigningKey.Length is > 0 and < 32)
        {
            errors.Add($"{AuthOptions.Section}:SigningKey must be at least 32 characters");
        }

        if (options.SigningKey.Length == 0 && cluster.Value.Clustering != ClusteringMode.Localhost)
        {
            errors.Add($"{AuthOptions.Section}:SigningKey must be set when nodes form a cluster ({ChatClusterOptions.Section}:Clustering={cluster.Value.Clustering}): every node must accept every token");
        }

        if (string.IsNullOrWhiteSpace(options.Issuer) || string.IsNullOrWhiteSpace(options.Audience))
        {
            errors.Add($"{AuthOptions.Section}:Issuer and {AuthOptions.Section}:Audience must not be empty");
        }

        if (options.TokenLifetime < TimeSpan.FromMinutes(1))
        {
            errors.Add($"{AuthOptions.Section}:TokenLifetime must be at least 1 minute (was {options.TokenLifetime})");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
