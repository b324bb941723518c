using Microsoft.Extensions.Options;

namespace OrleansChat.Edge.Telemetry;

public sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var errors = new List<string>();
        if (options.OtlpEndpoint.Length > 0
            && !(Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            errors.Add($"{TelemetryOptions.Section}:OtlpEndpoint must be empty (no tracing) or an absolute http(s) URL (was '{options.OtlpEndpoint}')");
        }

        if (!(options.TraceSampleRatio is >= 0 and <= 1))
        {
            errors.Add($"{TelemetryOptions.Section}:TraceSampleRatio must be between 0 and 1 (was {options.TraceSampleRatio})");
        }

        if (!Enum.IsDefined(options.OtlpProtocol))
        {
            errors.Add($"{TelemetryOptions.Section}:OtlpProtocol must be Grpc or HttpProtobuf (was {options.OtlpProtocol})");
        }

        if (!Enum.IsDefined(options.LogFormat))
        {
            errors.Add($"{TelemetryOptions.Section}:LogFormat must be Simple or Json (was {options.LogFormat})");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
