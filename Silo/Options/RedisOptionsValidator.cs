using Microsoft.Extensions.Options;

namespace OrleansChat.Silo.Options;

public sealed class RedisOptionsValidator : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options) =>
        string.IsNullOrWhiteSpace(options.ConnectionString)
            ? ValidateOptionsResult.Fail($"{RedisOptions.Section}:ConnectionString must not be empty")
            : ValidateOptionsResult.Success;
}
