using Microsoft.Extensions.Options;
using OrleansChat.Silo.Persistence.Mongo;

namespace OrleansChat.Silo.Options;

/// <summary>
/// MongoDB when <c>Chat:Store:Provider</c> is <c>Mongo</c>. Section <c>Chat:Mongo</c>; the connection
/// settings (ConnectionString, Database, WriteConcern, Journal, timeouts) are those of <see cref="MongoConnectionOptions"/>.
/// </summary>
public sealed class ChatMongoOptions : MongoConnectionOptions
{
    public const string Section = "Chat:Mongo";

    /// <summary>Collection of messages. Default <c>messages</c>.</summary>
    public string MessagesCollection { get; set; } = "messages";
}

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
