using Microsoft.Extensions.Options;
using OrleansChat.Silo.Options;

namespace OrleansChat.Edge;

public sealed class EdgeOptionsValidator : IValidateOptions<EdgeOptions>
{
    public ValidateOptionsResult Validate(string? name, EdgeOptions options)
    {
        var errors = new List<string>();
        if (options.NodeRenewInterval <= TimeSpan.Zero || options.NodeRenewInterval > TimeSpan.FromSeconds(10))
        {
            errors.Add($"{EdgeOptions.Section}:NodeRenewInterval must be between 0 and 10 s so the directory (15 s expiry) keeps the node (was {options.NodeRenewInterval})");
        }

        if (options.ResubscribeInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{EdgeOptions.Section}:ResubscribeInterval must be at least 1 s (was {options.ResubscribeInterval})");
        }

        if (options.MaxConnections < 1)
        {
            errors.Add($"{EdgeOptions.Section}:MaxConnections must be positive (was {options.MaxConnections})");
        }

        if (options.MaxConnectionsPerUser < 1)
        {
            errors.Add($"{EdgeOptions.Section}:MaxConnectionsPerUser must be positive (was {options.MaxConnectionsPerUser})");
        }

        if (options.InternalPort is < 0 or > 65535)
        {
            errors.Add($"{EdgeOptions.Section}:InternalPort must be 0 (off) or a port up to 65535 (was {options.InternalPort})");
        }

        if (options.DrainTimeout < TimeSpan.Zero || options.DrainTimeout > TimeSpan.FromSeconds(20))
        {
            errors.Add($"{EdgeOptions.Section}:DrainTimeout must be between 0 and 20 s, inside the host's shutdown timeout (was {options.DrainTimeout})");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

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

public sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var errors = new List<string>();
        if (options.Burst < 30)
        {
            errors.Add($"{RateLimitOptions.Section}:Burst must be at least 30, the burst the client contract promises (was {options.Burst})");
        }

        if (options.PerSecond < 5)
        {
            errors.Add($"{RateLimitOptions.Section}:PerSecond must be at least 5, the rate the client contract promises (was {options.PerSecond})");
        }

        if (options.ActionBurst < 1)
        {
            errors.Add($"{RateLimitOptions.Section}:ActionBurst must be at least 1 (was {options.ActionBurst})");
        }

        if (!(options.ActionsPerSecond > 0))
        {
            errors.Add($"{RateLimitOptions.Section}:ActionsPerSecond must be more than 0 (was {options.ActionsPerSecond})");
        }

        if (options.ReadBurst < 1)
        {
            errors.Add($"{RateLimitOptions.Section}:ReadBurst must be at least 1 (was {options.ReadBurst})");
        }

        if (!(options.ReadsPerSecond > 0))
        {
            errors.Add($"{RateLimitOptions.Section}:ReadsPerSecond must be more than 0 (was {options.ReadsPerSecond})");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
