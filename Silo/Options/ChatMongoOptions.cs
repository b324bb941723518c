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
