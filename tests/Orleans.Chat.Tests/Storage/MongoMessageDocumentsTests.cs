using MongoDB.Bson;
using MongoDB.Driver;
using OrleansChat.Messages;
using OrleansChat.Silo.Persistence.Mongo;

namespace OrleansChat.Tests.Storage;

/// <summary>The message documents, filters and indexes the MongoDB message store sends, checked without a server.</summary>
public sealed class MongoMessageDocumentsTests
{
    private static readonly ChatMessage Sample = new("general", 42, "alice", "hi", "c-1", new DateTimeOffset(2026, 11, 27, 9, 0, 0, 250, TimeSpan.Zero));

    [Fact]
    public void Message_round_trips_through_its_document()
    {
        var edited = Sample with { EditedAt = Sample.SentAt.AddSeconds(5) };

        Assert.Equal(Sample, MongoMessageDocuments.FromDocument(MongoMessageDocuments.ToDocument(Sample)));
        Assert.Equal(edited, MongoMessageDocuments.FromDocument(MongoMessageDocuments.ToDocument(edited)));
    }

    [Fact]
    public void Document_uses_typed_fields_and_omits_a_deleted_text()
    {
        var document = MongoMessageDocuments.ToDocument(Sample with { Text = null, Deleted = true });

        Assert.Equal(BsonType.Int64, document["seq"].BsonType);
        Assert.Equal(BsonType.DateTime, document["sentAt"].BsonType);
        Assert.False(document.Contains("text"));
        Assert.True(document["deleted"].AsBoolean);
    }

    [Fact]
    public void Sub_millisecond_parts_of_times_are_not_kept()
    {
        var precise = Sample with { SentAt = Sample.SentAt.AddTicks(1234) };

        var read = MongoMessageDocuments.FromDocument(MongoMessageDocuments.ToDocument(precise));

        Assert.Equal(Sample.SentAt, read.SentAt);
    }

    [Fact]
    public void Indexes_make_seq_and_idempotency_key_unique_per_room()
    {
        var indexes = MongoMessageDocuments.Indexes
            .Select(i => (Keys: ((BsonDocumentIndexKeysDefinition<BsonDocument>)i.Keys).Document, i.Options.Name, i.Options.Unique))
            .ToList();

        Assert.Equal(
            [
                (new BsonDocument { { "roomId", 1 }, { "seq", 1 } }, "roomId_seq_unique", (bool?)true),
                (new BsonDocument { { "roomId", 1 }, { "senderId", 1 }, { "clientMsgId", 1 } }, "roomId_senderId_clientMsgId_unique", (bool?)true),
            ],
            indexes);
    }

    [Fact]
    public void Range_filters_use_open_bounds_and_zero_leaves_a_side_open()
    {
        Assert.Equal(BsonDocument.Parse("{ roomId: 'r', seq: { $lt: NumberLong(10) } }"), MongoMessageDocuments.Range("r", 0, 10));
        Assert.Equal(BsonDocument.Parse("{ roomId: 'r', seq: { $gt: NumberLong(5) } }"), MongoMessageDocuments.Range("r", 5, 0));
        Assert.Equal(BsonDocument.Parse("{ roomId: 'r' }"), MongoMessageDocuments.Range("r", 0, 0));
    }

    [Fact]
    public void Replace_changes_only_text_edit_time_and_deleted_flag()
    {
        var edit = MongoMessageDocuments.ReplaceUpdate(Sample with { Text = "new", EditedAt = Sample.SentAt });
        var delete = MongoMessageDocuments.ReplaceUpdate(Sample with { Text = null, Deleted = true });

        Assert.Equal(["$set"], edit.Names);
        Assert.Equal(["$set", "$unset"], delete.Names);
        Assert.Equal(["deleted", "text", "editedAt"], edit["$set"].AsBsonDocument.Names);
        Assert.Equal(["deleted"], delete["$set"].AsBsonDocument.Names);
        Assert.Equal(["text", "editedAt"], delete["$unset"].AsBsonDocument.Names);
    }
}
