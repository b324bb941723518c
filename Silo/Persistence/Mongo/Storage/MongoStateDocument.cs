using System.Text.Json;
using System.Text.Json.Nodes;
using MongoDB.Bson;

namespace OrleansChat.Silo.Persistence.Mongo;

/// <summary>
/// The stored form of one grain's state: <c>{ _id: grainId, etag, v, state: {…}, updatedAt }</c>,
/// and the filters that make writes conditional on the etag the grain last saw.
/// </summary>
public sealed class MongoStateDocument(JsonSerializerOptions json, int stateVersion, MongoStateUpgrade? upgrade)
{
    public const string Id = "_id";
    public const string ETag = "etag";
    public const string Version = "v";
    public const string State = "state";
    public const string UpdatedAt = "updatedAt";

    /// <summary>A fresh etag per write; ObjectIds are unique across processes without coordination.</summary>
    public static string NewETag() => ObjectId.GenerateNewId().ToString();

    /// <summary>
    /// Prefix + state name. Orleans passes a grain class name for grains that name no state, and
    /// MongoDB refuses '$' and NUL in collection names, so those become '_'.
    /// </summary>
    public static string CollectionName(string prefix, string stateName) =>
        (prefix + stateName).Replace('$', '_').Replace('\0', '_');

    public static BsonDocument ById(string grainKey) => new(Id, grainKey);

    /// <summary>Matches the document only while it still carries the etag the writer read.</summary>
    public static BsonDocument ByIdAndETag(string grainKey, string etag) => new() { { Id, grainKey }, { ETag, etag } };

    /// <summary>
    /// A grain that read no record (etag null) inserts, so a record someone else created meanwhile
    /// fails on the unique _id instead of being overwritten; otherwise it replaces the version it read.
    /// </summary>
    public static bool IsInsert(string? currentETag) => currentETag is null;

    public BsonDocument Create<T>(string grainKey, string etag, T state, DateTimeOffset now)
    {
        // Through UTF-8 bytes rather than SerializeToNode, so every value node is plain JSON and
        // never a boxed CLR value the mapper would have to understand.
        var node = JsonNode.Parse(JsonSerializer.SerializeToUtf8Bytes(state, json));
        return new BsonDocument
        {
            { Id, grainKey },
            { ETag, etag },
            { Version, stateVersion },
            { State, BsonJsonMapper.ToBson(node) },
            { UpdatedAt, new BsonDateTime(now.UtcDateTime) },
        };
    }

    public (T? State, string ETag, int Version) Read<T>(string stateName, BsonDocument document)
    {
        var etag = document.GetValue(ETag, BsonNull.Value) is { IsString: true } e ? e.AsString : string.Empty;
        var version = document.GetValue(Version, 1).ToInt32();
        var state = document.GetValue(State, BsonNull.Value);
        if (version < stateVersion && upgrade is not null && state is BsonDocument stateDocument)
        {
            upgrade(stateName, version, stateDocument);
        }

        var node = BsonJsonMapper.ToJson(state);
        return (node is null ? default : node.Deserialize<T>(json), etag, version);
    }
}
