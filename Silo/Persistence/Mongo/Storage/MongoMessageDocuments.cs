using MongoDB.Bson;
using MongoDB.Driver;
using OrleansChat.Messages;

namespace OrleansChat.Silo.Persistence.Mongo;

/// <summary>
/// The stored form of a message, <c>{ _id, roomId, seq, senderId, clientMsgId, text?, sentAt, editedAt?, deleted }</c>,
/// and the two unique indexes that make appends idempotent and seqs unique.
/// Times are BSON dates, which hold milliseconds: finer parts of a timestamp are not kept.
/// </summary>
public static class MongoMessageDocuments
{
    public const string RoomId = "roomId";
    public const string Seq = "seq";
    public const string SenderId = "senderId";
    public const string ClientMsgId = "clientMsgId";
    public const string Text = "text";
    public const string SentAt = "sentAt";
    public const string EditedAt = "editedAt";
    public const string Deleted = "deleted";

    public const string SeqIndexName = "roomId_seq_unique";
    public const string ClientMsgIdIndexName = "roomId_senderId_clientMsgId_unique";

    /// <summary>
    /// (roomId, seq) unique: no seq is stored twice, and it serves every range read and the last-seq
    /// lookup. (roomId, senderId, clientMsgId) unique: a retried send cannot store a second copy.
    /// </summary>
    public static IReadOnlyList<CreateIndexModel<BsonDocument>> Indexes { get; } =
    [
        new(new BsonDocumentIndexKeysDefinition<BsonDocument>(new BsonDocument { { RoomId, 1 }, { Seq, 1 } }),
            new CreateIndexOptions { Name = SeqIndexName, Unique = true }),
        new(new BsonDocumentIndexKeysDefinition<BsonDocument>(new BsonDocument { { RoomId, 1 }, { SenderId, 1 }, { ClientMsgId, 1 } }),
            new CreateIndexOptions { Name = ClientMsgIdIndexName, Unique = true }),
    ];

    public static BsonDocument ToDocument(ChatMessage message)
    {
        var document = new BsonDocument
        {
            { RoomId, message.RoomId },
            { Seq, message.Seq },
            { SenderId, message.SenderId },
            { ClientMsgId, message.ClientMsgId },
            { SentAt, new BsonDateTime(message.SentAt.UtcDateTime) },
            { Deleted, message.Deleted },
        };
        if (message.Text is not null)
        {
            document[Text] = message.Text;
        }

        if (message.EditedAt is { } editedAt)
        {
            document[EditedAt] = new BsonDateTime(editedAt.UtcDateTime);
        }

        return document;
    }

    public static ChatMessage FromDocument(BsonDocument document) => new(
        document[RoomId].AsString,
        document[Seq].ToInt64(),
        document[SenderId].AsString,
        document.GetValue(Text, BsonNull.Value) is { IsString: true } text ? text.AsString : null,
        document[ClientMsgId].AsString,
        ToTime(document[SentAt]),
        document.GetValue(EditedAt, BsonNull.Value) is { IsBsonDateTime: true } edited ? ToTime(edited) : null,
        document.GetValue(Deleted, false).ToBoolean());

    public static BsonDocument BySeq(string roomId, long seq) => new() { { RoomId, roomId }, { Seq, seq } };

    public static BsonDocument ByClientMsgId(string roomId, string senderId, string clientMsgId) =>
        new() { { RoomId, roomId }, { SenderId, senderId }, { ClientMsgId, clientMsgId } };

    /// <summary>Messages of a room with seq in the open interval (after, before); 0 leaves a side open.</summary>
    public static BsonDocument Range(string roomId, long afterSeq, long beforeSeq)
    {
        var seq = new BsonDocument();
        if (afterSeq > 0)
        {
            seq["$gt"] = afterSeq;
        }

        if (beforeSeq > 0)
        {
            seq["$lt"] = beforeSeq;
        }

        return seq.ElementCount == 0 ? new BsonDocument(RoomId, roomId) : new BsonDocument { { RoomId, roomId }, { Seq, seq } };
    }

    /// <summary>An edit or delete changes only text, editedAt and deleted: the seq and the idempotency key stay.</summary>
    public static BsonDocument ReplaceUpdate(ChatMessage message)
    {
        var set = new BsonDocument(Deleted, message.Deleted);
        var unset = new BsonDocument();
        if (message.Text is null)
        {
            unset[Text] = "";
        }
        else
        {
            set[Text] = message.Text;
        }

        if (message.EditedAt is { } editedAt)
        {
            set[EditedAt] = new BsonDateTime(editedAt.UtcDateTime);
        }
        else
        {
            unset[EditedAt] = "";
        }

        var update = new BsonDocument("$set", set);
        if (unset.ElementCount > 0)
        {
            update["$unset"] = unset;
        }

        return update;
    }

    private static DateTimeOffset ToTime(BsonValue value) => new(value.ToUniversalTime(), TimeSpan.Zero);
}
