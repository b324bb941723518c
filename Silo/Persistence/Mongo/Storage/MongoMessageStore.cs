using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Driver;
using OrleansChat.Messages;
using OrleansChat.Storage;

namespace OrleansChat.Silo.Persistence.Mongo;

/// <summary>
/// History in MongoDB, one document per message. Uniqueness is the server's job (see
/// <see cref="MongoMessageDocuments.Indexes"/>): an append is a plain insert acknowledged after the
/// configured write concern, and a duplicate-key error is turned into Duplicate or SeqTaken.
/// </summary>
public sealed partial class MongoMessageStore : IMessageStore, ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly BsonDocument Ascending = new(MongoMessageDocuments.Seq, 1);
    private static readonly BsonDocument Descending = new(MongoMessageDocuments.Seq, -1);

    private readonly IMongoDatabase _database;
    private readonly IMongoCollection<BsonDocument> _messages;
    private readonly ILogger<MongoMessageStore> _logger;

    public MongoMessageStore(MongoMessageStoreOptions options, MongoClientCache clients, ILogger<MongoMessageStore> logger)
    {
        _database = clients.GetDatabase(options);
        _messages = _database.GetCollection<BsonDocument>(options.MessagesCollection);
        _logger = logger;
    }

    /// <summary>Creates the indexes before the silo activates grains; creating an existing index again is a no-op.</summary>
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(MongoMessageStore), ServiceLifecycleStage.ApplicationServices, EnsureIndexesAsync);

    public async Task EnsureIndexesAsync(CancellationToken cancellationToken)
    {
        var names = await _messages.Indexes.CreateManyAsync(MongoMessageDocuments.Indexes, cancellationToken);
        LogIndexesReady(_logger, _messages.CollectionNamespace.FullName, string.Join(", ", names));
    }

    public async Task<AppendResult> AppendAsync(ChatMessage message, CancellationToken cancellationToken = default)
    {
        // Seqs are dense and never removed, so once the predecessor exists it stays: this check
        // cannot be undone by a concurrent writer, and it keeps a buggy writer from leaving a gap.
        if (message.Seq > 1 && !await ExistsAsync(MongoMessageDocuments.BySeq(message.RoomId, message.Seq - 1), cancellationToken))
        {
            return await FindDuplicateAsync(message, cancellationToken) is { } original
                ? new AppendResult(AppendOutcome.Duplicate, original)
                : throw new InvalidOperationException($"seq {message.Seq} of room {message.RoomId} would leave a gap");
        }

        try
        {
            await _messages.InsertOneAsync(MongoMessageDocuments.ToDocument(message), cancellationToken: cancellationToken);
            return new AppendResult(AppendOutcome.Stored, message);
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            // Either index may have refused the insert; the idempotency key decides which answer is right.
            if (await FindDuplicateAsync(message, cancellationToken) is { } original)
            {
                return new AppendResult(AppendOutcome.Duplicate, original);
            }

            LogSeqTaken(_logger, message.RoomId, message.Seq);
            return new AppendResult(AppendOutcome.SeqTaken, null);
        }
    }

    public async Task<long> GetLastSeqAsync(string roomId, CancellationToken cancellationToken = default)
    {
        var last = await _messages.Find(new BsonDocument(MongoMessageDocuments.RoomId, roomId))
            .Sort(Descending)
            .Project(new BsonDocument { { MongoMessageDocuments.Seq, 1 }, { "_id", 0 } })
            .Limit(1)
            .FirstOrDefaultAsync(cancellationToken);
        return last is null ? 0 : last[MongoMessageDocuments.Seq].ToInt64();
    }

    public async Task<IReadOnlyList<ChatMessage>> GetBeforeAsync(string roomId, long beforeSeq, int limit, CancellationToken cancellationToken = default)
    {
        if (limit <= 0)
        {
            return [];
        }

        var newestFirst = await _messages.Find(MongoMessageDocuments.Range(roomId, 0, beforeSeq))
            .Sort(Descending).Limit(limit).ToListAsync(cancellationToken);
        return newestFirst.Select(MongoMessageDocuments.FromDocument).Reverse().ToList();
    }

    public async Task<IReadOnlyList<ChatMessage>> GetAfterAsync(string roomId, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        if (limit <= 0)
        {
            return [];
        }

        var documents = await _messages.Find(MongoMessageDocuments.Range(roomId, afterSeq, 0))
            .Sort(Ascending).Limit(limit).ToListAsync(cancellationToken);
        return documents.Select(MongoMessageDocuments.FromDocument).ToList();
    }

    public async Task<ChatMessage?> GetAsync(string roomId, long seq, CancellationToken cancellationToken = default)
    {
        var document = await _messages.Find(MongoMessageDocuments.BySeq(roomId, seq)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : MongoMessageDocuments.FromDocument(document);
    }

    public async Task ReplaceAsync(ChatMessage message, CancellationToken cancellationToken = default)
    {
        var result = await _messages.UpdateOneAsync(
            MongoMessageDocuments.BySeq(message.RoomId, message.Seq),
            MongoMessageDocuments.ReplaceUpdate(message),
            cancellationToken: cancellationToken);
        if (result.MatchedCount == 0)
        {
            throw new KeyNotFoundException($"room {message.RoomId} has no message {message.Seq}");
        }
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            LogPingFailed(_logger, ex);
            return false;
        }
    }

    private async Task<ChatMessage?> FindDuplicateAsync(ChatMessage message, CancellationToken cancellationToken)
    {
        var document = await _messages.Find(MongoMessageDocuments.ByClientMsgId(message.RoomId, message.SenderId, message.ClientMsgId))
            .FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : MongoMessageDocuments.FromDocument(document);
    }

    private Task<bool> ExistsAsync(BsonDocument filter, CancellationToken cancellationToken) =>
        _messages.Find(filter).Limit(1).AnyAsync(cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "MongoDB indexes of {Collection} ready: {Indexes}")]
    private static partial void LogIndexesReady(ILogger logger, string collection, string indexes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Room {RoomId}: seq {Seq} is already taken in MongoDB")]
    private static partial void LogSeqTaken(ILogger logger, string roomId, long seq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MongoDB did not answer a ping")]
    private static partial void LogPingFailed(ILogger logger, Exception exception);
}
