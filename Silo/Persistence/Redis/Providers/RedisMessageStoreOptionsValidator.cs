using Microsoft.Extensions.Options;

namespace OrleansChat.Silo.Persistence.Redis;

public sealed class RedisMessageStoreOptionsValidator : IValidateOptions<RedisMessageStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisMessageStoreOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add($"{nameof(RedisMessageStoreOptions)}.{nameof(RedisMessageStoreOptions.ConnectionString)} must not be empty");
        }

        // '{' and '}' would break the hash tag that keeps a room's two keys in one Redis Cluster slot.
        if (string.IsNullOrWhiteSpace(options.KeyPrefix) || options.KeyPrefix.IndexOfAny(['{', '}']) >= 0)
        {
            errors.Add($"{nameof(RedisMessageStoreOptions)}.{nameof(RedisMessageStoreOptions.KeyPrefix)} must not be empty or contain braces (was '{options.KeyPrefix}')");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
