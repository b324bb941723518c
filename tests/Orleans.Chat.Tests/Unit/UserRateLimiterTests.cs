using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansChat.Edge;
using OrleansChat.Edge.RateLimiting;

namespace OrleansChat.Tests.Unit;

public sealed class UserRateLimiterTests
{
    /// <summary>The lowest limits a node may be configured with: exactly what the contract promises.</summary>
    private static readonly RateLimitOptions ContractMinimum = new() { Burst = 30, PerSecond = 5 };

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void At_the_contract_minimum_a_user_may_send_a_burst_of_30_then_5_per_second()
    {
        var limiter = new UserRateLimiter(Options.Create(ContractMinimum), _time);
        for (var i = 0; i < 30; i++)
        {
            Assert.True(limiter.TryAcquire("alice", out _), $"send {i + 1} of the burst was refused");
        }

        Assert.False(limiter.TryAcquire("alice", out var retry));
        Assert.Equal(0.2, retry.TotalSeconds, 3);

        for (var second = 0; second < 10; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            for (var i = 0; i < 5; i++)
            {
                Assert.True(limiter.TryAcquire("alice", out _), $"sustained send {i + 1} in second {second + 1} was refused");
            }

            Assert.False(limiter.TryAcquire("alice", out _));
        }
    }

    [Fact]
    public void With_the_defaults_a_client_keeping_to_5_per_second_after_its_burst_is_not_refused_when_messages_bunch()
    {
        var limiter = new UserRateLimiter(Options.Create(new RateLimitOptions()), _time);
        for (var i = 0; i < 30; i++)
        {
            Assert.True(limiter.TryAcquire("alice", out _), $"send {i + 1} of the burst was refused");
        }

        // 5 a second on the client's clock; the network delays every other message by 50 ms, so the
        // server sees gaps of 250 and 150 ms.
        for (var i = 0; i < 100; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(i % 2 == 0 ? 250 : 150));
            Assert.True(limiter.TryAcquire("alice", out var retry), $"send {i + 1} after the burst was refused (retry in {retry.TotalMilliseconds} ms)");
        }
    }

    [Fact]
    public void Joins_typing_and_the_other_actions_have_an_allowance_of_their_own_apart_from_sends()
    {
        var limiter = new UserRateLimiter(Options.Create(new RateLimitOptions()), _time);
        for (var i = 0; i < 60; i++)
        {
            Assert.True(limiter.TryAcquireAction("alice", out _), $"action {i + 1} of the burst was refused");
        }

        Assert.False(limiter.TryAcquireAction("alice", out var retry));
        Assert.Equal(0.1, retry.TotalSeconds, 3);
        for (var i = 0; i < 30; i++)
        {
            Assert.True(limiter.TryAcquire("alice", out _), $"send {i + 1} was refused after the actions ran out");
        }

        Assert.False(limiter.TryAcquireAction("alice", out _));
        _time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 10; i++)
        {
            Assert.True(limiter.TryAcquireAction("alice", out _), $"action {i + 1} of the second's refill was refused");
        }

        Assert.False(limiter.TryAcquireAction("alice", out _));
    }

    [Fact]
    public void Reads_have_an_allowance_of_their_own_large_enough_to_resume_hundreds_of_rooms()
    {
        var limiter = new UserRateLimiter(Options.Create(new RateLimitOptions()), _time);
        for (var i = 0; i < 300; i++)
        {
            Assert.True(limiter.TryAcquireRead("alice", out _), $"read {i + 1} of the burst was refused");
        }

        Assert.False(limiter.TryAcquireRead("alice", out var retry));
        Assert.Equal(0.02, retry.TotalSeconds, 3);
        Assert.True(limiter.TryAcquire("alice", out _), "the reads used up a send");
        Assert.True(limiter.TryAcquireAction("alice", out _), "the reads used up a join");
    }

    [Fact]
    public void Users_have_separate_allowances()
    {
        var limiter = new UserRateLimiter(Options.Create(new RateLimitOptions()), _time);
        for (var i = 0; i < 30; i++)
        {
            limiter.TryAcquire("alice", out _);
        }

        Assert.False(limiter.TryAcquire("alice", out _));
        Assert.True(limiter.TryAcquire("bob", out _));
    }

    [Fact]
    public void Trimming_forgets_only_users_whose_bucket_is_full_again()
    {
        var limiter = new UserRateLimiter(Options.Create(ContractMinimum), _time);
        limiter.TryAcquire("alice", out _);
        for (var i = 0; i < 30; i++)
        {
            limiter.TryAcquire("bob", out _);
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        limiter.Trim();
        Assert.Equal(1, limiter.TrackedUsers);

        // Bob was kept with the second's refill: five sends, not a fresh burst of 30.
        for (var i = 0; i < 5; i++)
        {
            Assert.True(limiter.TryAcquire("bob", out _), $"send {i + 1} of bob's refill was refused");
        }

        Assert.False(limiter.TryAcquire("bob", out _), "bob got a sixth send: trimming forgot his empty bucket");
    }

    [Fact]
    public void Options_below_the_contract_are_refused_at_start()
    {
        var result = new RateLimitOptionsValidator().Validate(null, new RateLimitOptions { Burst = 10, PerSecond = 1, ActionBurst = 0, ActionsPerSecond = 0, ReadBurst = 0, ReadsPerSecond = 0 });
        Assert.True(result.Failed);
        Assert.Contains("Chat:RateLimit:Burst", result.FailureMessage);
        Assert.Contains("Chat:RateLimit:PerSecond", result.FailureMessage);
        Assert.Contains("Chat:RateLimit:ActionBurst", result.FailureMessage);
        Assert.Contains("Chat:RateLimit:ActionsPerSecond", result.FailureMessage);
        Assert.Contains("Chat:RateLimit:ReadBurst", result.FailureMessage);
        Assert.Contains("Chat:RateLimit:ReadsPerSecond", result.FailureMessage);
    }
}
