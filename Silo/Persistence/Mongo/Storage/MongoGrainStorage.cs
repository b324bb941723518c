using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Driver;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace OrleansChat.Silo.Persistence.Mongo;

/// <summary>
/// Orleans grain storage in MongoDB: one collection per grain state name, one document per grain,
/// state kept as a BSON document (see <see cref="MongoStateDocument"/>). Every write is conditional
/// on the etag the grain read, so a stale activation gets <see cref="InconsistentStateException"/>
/// and never overwrites a newer state.
/// </summary>
public sealed partial class MongoGrainStorage(
    string name,
    MongoGrainStorageOptions options,
    IMongoDatabase database,
    MongoStateDocument documents,
    IActivatorProvider activators,
    TimeProvider time,
    ILogger<MongoGrainStorage> logger) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var grainKey = grainId.ToString();
        var document = await Collection(stateName).Find(MongoStateDocument.ById(grainKey)).FirstOrDefaultAsync();
        if (document is null)
        {
            grainState.State = activators.GetActivator<T>().Create();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        var (state, etag, version) = documents.Read<T>(stateName, document);
        if (version > options.StateVersion)
        {
            LogNewerVersion(logger, name, stateName, grainKey, version, options.StateVersion);
        }

        grainState.State = state ?? activators.GetActivator<T>().Create();
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var grainKey = grainId.ToString();
        var newETag = MongoStateDocument.NewETag();
        var document = documents.Create(grainKey, newETag, grainState.State, time.GetUtcNow());
        var collection = Collection(stateName);

        if (MongoStateDocument.IsInsert(grainState.ETag))
        {
            try
            {
                await collection.InsertOneAsync(document);
            }
            catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
            {
                throw Conflict("write", stateName, grainKey, grainState.ETag, ex);
            }
        }
        else
        {
            var result = await collection.ReplaceOneAsync(MongoStateDocument.ByIdAndETag(grainKey, grainState.ETag ?? string.Empty), document);
            if (result.MatchedCount == 0)
            {
                throw Conflict("write", stateName, grainKey, grainState.ETag, null);
            }
        }

        grainState.ETag = newETag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var grainKey = grainId.ToString();
        var collection = Collection(stateName);
        if (grainState.ETag is { } etag)
        {
            var result = await collection.DeleteOneAsync(MongoStateDocument.ByIdAndETag(grainKey, etag));
            if (result.DeletedCount == 0)
            {
                throw Conflict("clear", stateName, grainKey, etag, null);
            }
        }
        else if (await collection.Find(MongoStateDocument.ById(grainKey)).Limit(1).AnyAsync())
        {
            // The grain believes there is nothing to clear, yet someone wrote a record: its view is stale.
            throw Conflict("clear", stateName, grainKey, null, null);
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private IMongoCollection<BsonDocument> Collection(string stateName) =>
        database.GetCollection<BsonDocument>(MongoStateDocument.CollectionName(options.CollectionPrefix, stateName));

    private InconsistentStateException Conflict(string operation, string stateName, string grainKey, string? etag, Exception? inner)
    {
        LogConflict(logger, name, operation, stateName, grainKey, etag);
        var message = $"Mongo grain storage '{name}': {operation} of {stateName} for {grainKey} with etag '{etag}' found a newer or missing record";
        return inner is null
            ? new InconsistentStateException(message, "unknown", etag ?? string.Empty)
            : new InconsistentStateException(message, "unknown", etag ?? string.Empty, inner);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain storage {Provider}: {Operation} of {StateName} for {GrainKey} with etag {ETag} conflicted with another write")]
    private static partial void LogConflict(ILogger logger, string provider, string operation, string stateName, string grainKey, string? eTag);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain storage {Provider}: {StateName} of {GrainKey} was written by state version {StoredVersion}, newer than {CodeVersion}; unknown fields are ignored")]
    private static partial void LogNewerVersion(ILogger logger, string provider, string stateName, string grainKey, int storedVersion, int codeVersion);
}
