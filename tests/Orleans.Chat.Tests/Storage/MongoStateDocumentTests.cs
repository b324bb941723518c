using MongoDB.Bson;
using OrleansChat.Grains.Rooms;
using OrleansChat.Grains.Users;
using OrleansChat.Silo.Persistence.Mongo;
using Orleans.Serialization;

namespace OrleansChat.Tests.Storage;

/// <summary>Grain state → BSON document → grain state, without a server: the mapping the MongoDB grain storage relies on.</summary>
public sealed class MongoStateDocumentTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 30, 15, 123, TimeSpan.Zero);

    private static MongoStateDocument Documents(int version = 1, MongoStateUpgrade? upgrade = null) =>
        new(new SystemTextJsonGrainStorageSerializerOptions().JsonSerializerOptions, version, upgrade);

    [Fact]
    public void Room_state_round_trips_through_a_real_bson_document()
    {
        var room = new RoomState { Members = ["alice", "bob"], Moderators = ["alice"], CreatedAt = Now };

        var document = Documents().Create("room/general", "etag-1", room, Now);
        var (read, etag, version) = Documents().Read<RoomState>("room", document);

        var state = document[MongoStateDocument.State].AsBsonDocument;
        Assert.Equal(new BsonArray { "alice", "bob" }, state["Members"]);
        Assert.Equal("room/general", document["_id"]);
        Assert.Equal(new BsonDateTime(Now.UtcDateTime), document[MongoStateDocument.UpdatedAt]);
        Assert.Equal(("etag-1", 1), (etag, version));
        Assert.NotNull(read);
        Assert.Equal(room.Members.Order(), read.Members.Order());
        Assert.Equal(room.Moderators, read.Moderators);
        Assert.Equal(Now, read.CreatedAt);
    }

    [Fact]
    public void Moderation_state_round_trips_with_timed_and_permanent_restrictions()
    {
        var room = new RoomState
        {
            Members = ["alice", "bob"], Owner = "alice", Moderators = ["carol.ops"], CreatedAt = Now, Title = "Ops $ room", InviteOnly = true,
            Invited = ["dave"],
            Bans = new() { ["eve"] = new Restriction { By = "alice", Until = Now.AddDays(1), Reason = "spam" }, ["mallory"] = new Restriction { By = "carol.ops" } },
            Mutes = new() { ["bob"] = new Restriction { By = "alice", Until = Now.AddMinutes(10) } },
        };

        var document = Documents().Create("room/ops", "e", room, Now);
        var (read, _, _) = Documents().Read<RoomState>("room", document);

        Assert.NotNull(read);
        Assert.Equal(("alice", "Ops $ room", true), (read.Owner, read.Title, read.InviteOnly));
        Assert.Equal(["carol.ops"], read.Moderators);
        Assert.Equal(["dave"], read.Invited);
        Assert.Equal((Now.AddDays(1), "spam", "alice"), (read.Bans["eve"].Until, read.Bans["eve"].Reason, read.Bans["eve"].By));
        Assert.Null(read.Bans["mallory"].Until);
        Assert.Equal(Now.AddMinutes(10), read.Mutes["bob"].Until);
    }

    [Fact]
    public void Dictionary_keys_with_dots_and_dollars_are_escaped_and_restored()
    {
        var user = new UserState
        {
            Rooms = ["team.ops", "dm:alice:bob"],
            LastRead = new Dictionary<string, long> { ["team.ops"] = 4, ["$odd%key"] = 3_000_000_000, ["dm:alice:bob"] = 1 },
        };

        var document = Documents().Create("chatuser/alice", "e", user, Now);
        var lastRead = document[MongoStateDocument.State]["LastRead"].AsBsonDocument;
        var (read, _, _) = Documents().Read<UserState>("user", document);

        Assert.Equal(["team%2Eops", "%24odd%25key", "dm:alice:bob"], lastRead.Names);
        Assert.Equal(BsonType.Int64, lastRead["%24odd%25key"].BsonType);
        Assert.NotNull(read);
        Assert.Equal(user.LastRead.OrderBy(p => p.Key), read.LastRead.OrderBy(p => p.Key));
        Assert.Equal(user.Rooms.Order(), read.Rooms.Order());
    }

    [Fact]
    public void Fields_the_state_type_no_longer_has_are_ignored_and_missing_ones_keep_defaults()
    {
        var document = Documents().Create("chatuser/carol", "e", new UserState { RoomsVersion = 9 }, Now);
        var state = document[MongoStateDocument.State].AsBsonDocument;
        state["RemovedLongAgo"] = new BsonDocument("nested", 1);
        state.Remove("LastRead");

        var (read, _, _) = Documents().Read<UserState>("user", document);

        Assert.NotNull(read);
        Assert.Equal(9, read.RoomsVersion);
        Assert.Empty(read.LastRead);
    }

    [Fact]
    public void Older_documents_are_upgraded_before_they_are_read()
    {
        var old = Documents(version: 1).Create("chatuser/dave", "e", new UserState(), Now);
        old[MongoStateDocument.State].AsBsonDocument["Channels"] = new BsonArray { "general" };
        var upgrades = new List<(string, int)>();
        MongoStateUpgrade rename = (stateName, storedVersion, state) =>
        {
            upgrades.Add((stateName, storedVersion));
            state["Rooms"] = state["Channels"];
        };

        var (read, _, version) = Documents(version: 2, rename).Read<UserState>("user", old);
        var current = Documents(version: 2, rename).Create("chatuser/dave", "e", new UserState(), Now);
        Documents(version: 2, rename).Read<UserState>("user", current);

        Assert.Equal([("user", 1)], upgrades);
        Assert.Equal(1, version);
        Assert.Equal(["general"], read?.Rooms);
        Assert.Equal(2, current[MongoStateDocument.Version].AsInt32);
    }

    [Fact]
    public void A_grain_without_a_record_inserts_and_one_with_an_etag_replaces_only_that_version()
    {
        Assert.True(MongoStateDocument.IsInsert(null));
        Assert.False(MongoStateDocument.IsInsert("abc"));
        Assert.Equal(new BsonDocument { { "_id", "room/x" }, { "etag", "abc" } }, MongoStateDocument.ByIdAndETag("room/x", "abc"));
        Assert.Equal(new BsonDocument("_id", "room/x"), MongoStateDocument.ById("room/x"));
    }

    [Fact]
    public void Every_write_gets_a_new_etag()
    {
        var etags = Enumerable.Range(0, 1000).Select(_ => MongoStateDocument.NewETag()).ToHashSet();

        Assert.Equal(1000, etags.Count);
    }

    [Fact]
    public void Collection_names_are_prefix_and_state_name_without_characters_mongodb_refuses()
    {
        Assert.Equal("grains.room", MongoStateDocument.CollectionName("grains.", "room"));
        Assert.Equal("pubsub.Outer_Inner", MongoStateDocument.CollectionName("pubsub.", "Outer$Inner"));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("a.b.c")]
    [InlineData("$type")]
    [InlineData("100%.$")]
    [InlineData("%2E literal")]
    public void Escaped_names_contain_no_dots_or_dollars_and_unescape_exactly(string name)
    {
        var escaped = BsonJsonMapper.EscapeName(name);

        Assert.DoesNotContain('.', escaped);
        Assert.DoesNotContain('$', escaped);
        Assert.Equal(name, BsonJsonMapper.UnescapeName(escaped));
    }
}
