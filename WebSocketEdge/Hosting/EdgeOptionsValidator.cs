using OrleansChat.Messages;
using Microsoft.Extensions.Options;

namespace OrleansChat.Edge;

public sealed class EdgeOptionsValidator : IValidateOptions<EdgeOptions>
{
    public ValidateOptionsResult Validate(string? name, EdgeOptions options)
    {
        var errors = new List<string>();
        if (options.ResubscribeInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{EdgeOptions.Section}:ResubscribeInterval must be at least 1 s (was {options.ResubscribeInterval})");
        }

        if (options.MaxConnections < 1)
        {
            errors.Add($"{EdgeOptions.Section}:MaxConnections must be positive (was {options.MaxConnections})");
        }

        if (options.MaxQueuedBytesPerConnection < 2 * (long)ChatLimits.MaxResumeBytes)
        {
            errors.Add($"{EdgeOptions.Section}:MaxQueuedBytesPerConnection must be at least {2 * ChatLimits.MaxResumeBytes}, twice the largest Resume answer (was {options.MaxQueuedBytesPerConnection})");
        }

        if (options.SlowConsumerCloseGrace < TimeSpan.Zero || options.SlowConsumerCloseGrace > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{EdgeOptions.Section}:SlowConsumerCloseGrace must be 0 to 5 minutes (was {options.SlowConsumerCloseGrace})");
        }

        if (options.MaxConnectionsPerUser < 1)
        {
            errors.Add($"{EdgeOptions.Section}:MaxConnectionsPerUser must be positive (was {options.MaxConnectionsPerUser})");
        }

        if (options.MaxConnectsInFlight < 1)
        {
            errors.Add($"{EdgeOptions.Section}:MaxConnectsInFlight must be positive (was {options.MaxConnectsInFlight})");
        }

        if (options.ConnectQueueLength < 0)
        {
            errors.Add($"{EdgeOptions.Section}:ConnectQueueLength must be 0 or more (was {options.ConnectQueueLength})");
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
