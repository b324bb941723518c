namespace OrleansChat.Silo.Persistence.Mongo;

/// <summary>Options of the MongoDB message store.</summary>
public sealed class MongoMessageStoreOptions : MongoConnectionOptions
{
    /// <summary>Collection of messages. Default <c>messages</c>.</summary>
    public string MessagesCollection { get; set; } = "messages";
}
