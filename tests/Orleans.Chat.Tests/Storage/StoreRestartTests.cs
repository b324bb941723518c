using MongoDB.Driver;
using OrleansChat.Rooms;
using OrleansChat.Tests.Infrastructure;
using OrleansChat.Tests.Storage.Infrastructure;

namespace OrleansChat.Tests.Storage;

/// <summary>
/// What a user notices of a durable store: after every node restarted, the room still has its
/// members and its history, and a send retried across the restart is not stored twice.
/// </summary>
public sealed class StoreRestartTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public Task Redis_keeps_rooms_and_history_across_a_silo_restart() =>
        RoomsSurviveRestartAsync(StoreSettings.Redis(redis));

    [MongoFact]
    public async Task Mongo_keeps_rooms_and_history_across_a_silo_restart()
    {
        var database = $"chat-tests-{Guid.NewGuid():N}"[..32];
        try
        {
            await RoomsSurviveRestartAsync(StoreSettings.Mongo(database));
        }
        finally
        {
            // Both silos have stopped by now; the database is this test's alone, so it goes even when the test failed.
            if (MongoTestEnvironment.Url is { } url)
            {
                using var client = new MongoClient(url);
                await client.DropDatabaseAsync(database).WaitAsync(TestIds.Timeout);
            }
        }
    }

    private static async Task RoomsSurviveRestartAsync(Dictionary<string, string?> settings)
    {
        var serviceId = $"restart-{Guid.NewGuid():N}";
        var room = TestIds.Room();
        var alice = TestIds.User("alice");
        var bob = TestIds.User("bob");

        await using (var before = await StorageSilo.StartAsync(serviceId, settings))
        {
            var grain = before.Grains.GetGrain<IRoomGrain>(room);
            await grain.Join(alice).WaitAsync(TestIds.Timeout);
            await grain.Send(alice, "m1", "first").WaitAsync(TestIds.Timeout);
            await grain.Send(alice, "m2", "second").WaitAsync(TestIds.Timeout);
        }

        await using var after = await StorageSilo.StartAsync(serviceId, settings);
        var restarted = after.Grains.GetGrain<IRoomGrain>(room);

        var joined = await restarted.Join(bob).WaitAsync(TestIds.Timeout);
        Assert.Equal(2, joined.LastSeq);
        Assert.Equal(new[] { alice, bob }.Order(StringComparer.Ordinal), joined.Members);

        var history = await restarted.GetHistory(alice, 0, 10).WaitAsync(TestIds.Timeout);
        Assert.Equal(["first", "second"], history.Select(m => m.Text));

        var retried = await restarted.Send(alice, "m1", "first").WaitAsync(TestIds.Timeout);
        Assert.Equal(1, retried.Seq);
        var next = await restarted.Send(bob, "m1", "third").WaitAsync(TestIds.Timeout);
        Assert.Equal(3, next.Seq);
    }
}
