using Microsoft.Extensions.Options;
using OrleansChat.Silo.Persistence.Mongo;

namespace OrleansChat.Silo.Options;

public sealed class ChatMongoOptionsValidator : IValidateOptions<ChatMongoOptions>
{
    public ValidateOptionsResult Validate(string? name, ChatMongoOptions options)
    {
        var errors = MongoOptionsValidation.Validate(options, key => $"{ChatMongoOptions.Section}:{key}");
        if (string.IsNullOrWhiteSpace(options.MessagesCollection) || options.MessagesCollection.Contains('$'))
        {
            errors.Add($"{ChatMongoOptions.Section}:MessagesCollection must not be empty or contain $ (was '{options.MessagesCollection}')");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
