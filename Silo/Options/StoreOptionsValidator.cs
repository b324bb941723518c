using Microsoft.Extensions.Options;

namespace OrleansChat.Silo.Options;

public sealed class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options) =>
        Enum.IsDefined(options.Provider)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{StoreOptions.Section}:Provider must be one of {string.Join(", ", Enum.GetNames<StoreProvider>())} (was {options.Provider})");
}
