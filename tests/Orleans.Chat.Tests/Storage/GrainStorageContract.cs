using OrleansChat.Grains.Rooms;
using OrleansChat.Grains.Users;
using OrleansChat.Tests.Infrastructure;
using OrleansChat.Tests.Storage.Infrastructure;
using Orleans.Runtime;
using Orleans.Storage;

namespace OrleansChat.Tests.Storage;

/// <summary>
/// What the "chat" grain storage of each durable store must do, written once: state survives a
/// round trip, and a write or clear based on a stale etag fails instead of overwriting newer state.
/// </summary>
public abstract class GrainStorageContract
{
    private const string StateName = "user";

    protected abstract IGrainStorage Storage { get; }

    [StoreFact]
    public async Task Written_state_reads_back()
    {
        var grain = NewGrain();
        var written = new GrainState<UserState>(Sample());
        await Storage.WriteStateAsync(StateName, grain, written).WaitAsync(TestIds.Timeout);

        var read = await ReadAsync(grain);

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(Sample().Rooms.Order(), StateOf(read).Rooms.Order());
        Assert.Equal(Sample().LastRead.OrderBy(p => p.Key), StateOf(read).LastRead.OrderBy(p => p.Key));
        Assert.Equal(7, StateOf(read).RoomsVersion);
    }

    [StoreFact]
    public async Task Room_moderation_state_reads_back()
    {
        var grain = GrainId.Create("room", TestIds.Room());
        var until = new DateTimeOffset(2027, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var room = new RoomState
        {
            Members = ["alice", "bob"], Owner = "alice", Moderators = ["carol"], CreatedAt = until, Title = "Ops", InviteOnly = true, Invited = ["dave"],
            Bans = new() { ["eve"] = new Restriction { By = "alice", Until = until, Reason = "spam" }, ["mallory"] = new Restriction { By = "carol" } },
            Mutes = new() { ["bob"] = new Restriction { By = "alice", Until = until } },
            BlockedBy = ["bob"],
        };
        await Storage.WriteStateAsync("room", grain, new GrainState<RoomState>(room)).WaitAsync(TestIds.Timeout);

        var read = new GrainState<RoomState>(new RoomState());
        await Storage.ReadStateAsync("room", grain, read).WaitAsync(TestIds.Timeout);

        var state = Assert.IsType<RoomState>(read.State);
        Assert.Equal(("alice", "Ops", true), (state.Owner, state.Title, state.InviteOnly));
        Assert.Equal(["carol"], state.Moderators);
        Assert.Equal(["dave"], state.Invited);
        Assert.Equal(["bob"], state.BlockedBy);
        Assert.Equal((until, "spam"), (state.Bans["eve"].Until, state.Bans["eve"].Reason));
        Assert.Null(state.Bans["mallory"].Until);
        Assert.Equal(until, state.Mutes["bob"].Until);
    }

    [StoreFact]
    public async Task Unknown_grain_reads_as_no_record_with_fresh_state()
    {
        var read = await ReadAsync(NewGrain());

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.NotNull(read.State);
        Assert.Empty(StateOf(read).Rooms);
    }

    [StoreFact]
    public async Task Write_with_a_stale_etag_fails_and_keeps_the_newer_state()
    {
        var grain = NewGrain();
        var first = new GrainState<UserState>(Sample());
        await Storage.WriteStateAsync(StateName, grain, first).WaitAsync(TestIds.Timeout);
        var stale = await ReadAsync(grain);

        StateOf(first).RoomsVersion = 8;
        await Storage.WriteStateAsync(StateName, grain, first).WaitAsync(TestIds.Timeout);
        StateOf(stale).RoomsVersion = 100;

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, grain, stale).WaitAsync(TestIds.Timeout));
        Assert.Equal(8, StateOf(await ReadAsync(grain)).RoomsVersion);
    }

    [StoreFact]
    public async Task Concurrent_first_writes_let_exactly_one_win()
    {
        var grain = NewGrain();
        var writers = Enumerable.Range(1, 8).Select(i => new GrainState<UserState>(new UserState { RoomsVersion = i })).ToList();

        var attempts = await Task.WhenAll(writers.Select(w => Task.Run(async () =>
        {
            try
            {
                await Storage.WriteStateAsync(StateName, grain, w);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }))).WaitAsync(TestIds.Timeout);

        var winner = writers[Assert.Single(Enumerable.Range(0, attempts.Length), i => attempts[i])];
        Assert.Equal(StateOf(winner).RoomsVersion, StateOf(await ReadAsync(grain)).RoomsVersion);
    }

    [StoreFact]
    public async Task Clear_deletes_the_record_and_a_new_write_starts_over()
    {
        var grain = NewGrain();
        var state = new GrainState<UserState>(Sample());
        await Storage.WriteStateAsync(StateName, grain, state).WaitAsync(TestIds.Timeout);

        await Storage.ClearStateAsync(StateName, grain, state).WaitAsync(TestIds.Timeout);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.False((await ReadAsync(grain)).RecordExists);

        state.State = new UserState { RoomsVersion = 1 };
        await Storage.WriteStateAsync(StateName, grain, state).WaitAsync(TestIds.Timeout);
        Assert.Equal(1, StateOf(await ReadAsync(grain)).RoomsVersion);
    }

    [StoreFact]
    public async Task Clear_with_a_stale_etag_fails_and_keeps_the_record()
    {
        var grain = NewGrain();
        var current = new GrainState<UserState>(Sample());
        await Storage.WriteStateAsync(StateName, grain, current).WaitAsync(TestIds.Timeout);
        var stale = await ReadAsync(grain);
        await Storage.WriteStateAsync(StateName, grain, current).WaitAsync(TestIds.Timeout);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateName, grain, stale).WaitAsync(TestIds.Timeout));
        Assert.True((await ReadAsync(grain)).RecordExists);
    }

    private static GrainId NewGrain() => GrainId.Create("chatuser", TestIds.User());

    /// <summary>Room ids with dots and colons, and a number past Int32: the shapes user state really holds.</summary>
    private static UserState Sample() => new()
    {
        Rooms = ["general", "dm:alice:bob", "team.ops"],
        LastRead = new Dictionary<string, long> { ["general"] = 5, ["dm:alice:bob"] = 3_000_000_000, ["team.ops"] = 0 },
        RoomsVersion = 7,
    };

    private static UserState StateOf(GrainState<UserState> grainState) => Assert.IsType<UserState>(grainState.State);

    private async Task<GrainState<UserState>> ReadAsync(GrainId grain)
    {
        var state = new GrainState<UserState>(new UserState());
        await Storage.ReadStateAsync(StateName, grain, state).WaitAsync(TestIds.Timeout);
        return state;
    }
}

public sealed class RedisGrainStorageTests(RedisSiloFixture fixture) : GrainStorageContract, IClassFixture<RedisSiloFixture>
{
    protected override IGrainStorage Storage => fixture.Storage;
}

[RequiresMongo]
public sealed class MongoGrainStorageTests(MongoSiloFixture fixture) : GrainStorageContract, IClassFixture<MongoSiloFixture>
{
    protected override IGrainStorage Storage => fixture.Storage;
}
