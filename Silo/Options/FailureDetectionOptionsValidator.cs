using Microsoft.Extensions.Options;

namespace OrleansChat.Silo.Options;

public sealed class FailureDetectionOptionsValidator : IValidateOptions<FailureDetectionOptions>
{
    public ValidateOptionsResult Validate(string? name, FailureDetectionOptions options)
    {
        var errors = new List<string>();
        CheckPositive(errors, "ProbeTimeout", options.ProbeTimeout);
        CheckPositive(errors, "VoteExpiration", options.VoteExpiration);
        CheckPositive(errors, "IAmAlivePeriod", options.IAmAlivePeriod);
        CheckPositive(errors, "ResponseTimeout", options.ResponseTimeout);
        if (options.MissedProbesLimit < 1)
        {
            errors.Add($"{FailureDetectionOptions.Section}:MissedProbesLimit must be at least 1 (was {options.MissedProbesLimit})");
        }

        if (options.VotesForDeath < 1)
        {
            errors.Add($"{FailureDetectionOptions.Section}:VotesForDeath must be at least 1 (was {options.VotesForDeath})");
        }

        if (options.VoteExpiration < options.ProbeTimeout * options.MissedProbesLimit * 2)
        {
            errors.Add($"{FailureDetectionOptions.Section}:VoteExpiration must be at least twice ProbeTimeout x MissedProbesLimit, or votes expire before they can add up (was {options.VoteExpiration})");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckPositive(List<string> errors, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{FailureDetectionOptions.Section}:{key} must be positive (was {value})");
        }
    }
}
