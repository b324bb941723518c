using Microsoft.Extensions.Options;

namespace OrleansChat.Silo.Options;

public sealed class StreamsOptionsValidator : IValidateOptions<StreamsOptions>
{
    public ValidateOptionsResult Validate(string? name, StreamsOptions options) =>
        Enum.IsDefined(options.Provider)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{StreamsOptions.Section}:Provider must be one of {string.Join(", ", Enum.GetNames<StreamsProvider>())} (was {options.Provider})");
}
