using Microsoft.Extensions.Options;

namespace OrleansChat.Edge;

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

        if (options.ConnectBurst < 1)
        {
            errors.Add($"{RateLimitOptions.Section}:ConnectBurst must be at least 1 (was {options.ConnectBurst})");
        }

        if (!(options.ConnectsPerSecond > 0))
        {
            errors.Add($"{RateLimitOptions.Section}:ConnectsPerSecond must be more than 0 (was {options.ConnectsPerSecond})");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
