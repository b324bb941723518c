using OrleansChat.Rooms;
using OrleansChat.Silo.Persistence.Mongo;
using OrleansChat.Tests.Infrastructure;
using OrleansChat.Tests.Storage.Infrastructure;
using Orleans.Runtime;

namespace OrleansChat.Tests.Storage;

/// <summary>
/// The stream pub-sub keeps grain references and grain ids in its state. Inside a silo, the JSON
/// options the MongoDB grain storage picks must carry them through a BSON document and back.
/// </summary>
public sealed class MongoStateInSiloTests(RedisSiloFixture fixture) : IClassFixture<RedisSiloFixture>
{
    [Fact]
    public void Grain_references_survive_the_bson_mapping_with_the_silo_json_options()
    {
        var services = fixture.Silo?.Services ?? throw new InvalidOperationException("the silo has not started");
        var json = MongoGrainStorageFactory.JsonOptions(services, new MongoGrainStorageOptions());
        var roomId = TestIds.Room();
        var holder = new ReferenceHolder
        {
            Room = fixture.Silo.Grains.GetGrain<IRoomGrain>(roomId),
            Target = GrainId.Create("room", roomId),
        };

        var documents = new MongoStateDocument(json, 1, null);
        var (read, _, _) = documents.Read<ReferenceHolder>("pubsub", documents.Create("pubsub/x", "e", holder, DateTimeOffset.UtcNow));

        Assert.Equal(roomId, read?.Room?.GetPrimaryKeyString());
        Assert.Equal(holder.Target, read?.Target);
    }

    public sealed class ReferenceHolder
    {
        public IRoomGrain? Room { get; set; }

        public GrainId Target { get; set; }
    }
}
