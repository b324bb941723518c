using System.Net;
using Microsoft.Extensions.Options;

namespace OrleansChat.Silo.Options;

/// <summary>Checks the silo options at start and names the configuration key that is wrong.</summary>
public sealed class ChatClusterOptionsValidator : IValidateOptions<ChatClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ChatClusterOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            errors.Add($"{ChatClusterOptions.Section}:ClusterId must not be empty");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            errors.Add($"{ChatClusterOptions.Section}:ServiceId must not be empty");
        }

        CheckPort(errors, "SiloPort", options.SiloPort);
        if (options.GatewayPort != 0)
        {
            CheckPort(errors, "GatewayPort", options.GatewayPort);
        }

        if (options.SiloPort == options.GatewayPort)
        {
            errors.Add($"{ChatClusterOptions.Section}:SiloPort and GatewayPort must differ (both {options.SiloPort})");
        }

        if (!IPAddress.TryParse(options.AdvertisedAddress, out _))
        {
            errors.Add($"{ChatClusterOptions.Section}:AdvertisedAddress must be an IP address (was '{options.AdvertisedAddress}')");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckPort(List<string> errors, string key, int port)
    {
        if (port is < 1 or > 65535)
        {
            errors.Add($"{ChatClusterOptions.Section}:{key} must be a port between 1 and 65535 (was {port})");
        }
    }
}
