using Microsoft.Extensions.Time.Testing;
using OrleansChat.Edge.Routing.Feeds;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Unit;

public sealed class FeedSchedulerTests
{
    [Fact]
    public void A_delayed_step_runs_once_its_time_has_come_on_the_schedulers_clock_and_not_before()
    {
        var time = new FakeTimeProvider();
        var scheduler = new FeedScheduler(time, 4, (_, _) => { });
        var ran = 0;

        scheduler.RunAfter(TimeSpan.FromMilliseconds(250), TestIds.Room(), _ => ran++);
        time.Advance(TimeSpan.FromMilliseconds(249));
        Assert.Equal(0, ran);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, ran);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, ran);
    }

    [Fact]
    public void A_failing_step_is_reported_and_returned_and_the_rooms_next_step_runs()
    {
        var failures = new List<(string Room, Exception Error)>();
        var scheduler = new FeedScheduler(TimeProvider.System, 4, (room, ex) => failures.Add((room, ex)));
        var room = TestIds.Room();

        var error = scheduler.Run(room, _ => throw new InvalidOperationException("room unreachable"));
        var next = scheduler.Run(room, shard => Assert.Equal(scheduler.ShardOf(room), shard));

        Assert.IsType<InvalidOperationException>(error);
        Assert.Null(next);
        Assert.Equal(room, Assert.Single(failures).Room);
    }

    [Fact]
    public async Task An_answer_that_arrives_later_runs_as_a_step_of_its_room()
    {
        var scheduler = new FeedScheduler(TimeProvider.System, 4, (_, _) => { });
        var call = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

        scheduler.RunWhenAnswered(TestIds.Room(), call.Task, (_, answered) => seen.TrySetResult(answered.Result));
        Assert.False(seen.Task.IsCompleted);
        call.SetResult(7);

        Assert.Equal(7, await seen.Task.WaitAsync(TestIds.Timeout));
    }
}
