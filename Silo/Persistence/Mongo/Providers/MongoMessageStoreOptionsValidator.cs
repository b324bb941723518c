using Microsoft.Extensions.Options;

namespace OrleansChat.Silo.Persistence.Mongo;

/// <summary>Runs when the silo starts, so a wrong message-store setting stops it with the option named.</summary>
public sealed class MongoMessageStoreOptionsValidator : IValidateOptions<MongoMessageStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, MongoMessageStoreOptions options)
    {
        var errors = MongoOptionsValidation.Validate(options, Key);
        if (string.IsNullOrWhiteSpace(options.MessagesCollection) || options.MessagesCollection.Contains('$'))
        {
            errors.Add($"{Key(nameof(options.MessagesCollection))} must not be empty or contain $ (was '{options.MessagesCollection}')");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static string Key(string property) => $"{nameof(MongoMessageStoreOptions)}.{property}";
}
