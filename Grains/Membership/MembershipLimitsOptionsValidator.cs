using Microsoft.Extensions.Options;

namespace OrleansChat.Grains.Membership;

public sealed class MembershipLimitsOptionsValidator : IValidateOptions<MembershipLimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, MembershipLimitsOptions options)
    {
        var errors = new List<string>();
        if (options.MaxMembersPerRoom is < 2 or > 100_000)
        {
            errors.Add($"{MembershipLimitsOptions.Section}:MaxMembersPerRoom must be between 2 (a direct room) and 100000 (was {options.MaxMembersPerRoom})");
        }

        if (options.MaxRoomsPerUser is < 1 or > 100_000)
        {
            errors.Add($"{MembershipLimitsOptions.Section}:MaxRoomsPerUser must be between 1 and 100000 (was {options.MaxRoomsPerUser})");
        }

        if (options.MaxDirectRoomsPerUser is < 1 or > 100_000)
        {
            errors.Add($"{MembershipLimitsOptions.Section}:MaxDirectRoomsPerUser must be between 1 and 100000 (was {options.MaxDirectRoomsPerUser})");
        }

        if (options.MaxNewDirectPerDay is < 1 or > 100_000)
        {
            errors.Add($"{MembershipLimitsOptions.Section}:MaxNewDirectPerDay must be between 1 and 100000 (was {options.MaxNewDirectPerDay})");
        }

        if (options.MemberNoticesUpTo is < 0 or > 100_000)
        {
            errors.Add($"{MembershipLimitsOptions.Section}:MemberNoticesUpTo must be between 0 and 100000 (was {options.MemberNoticesUpTo})");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
