using Microsoft.Extensions.Logging.Abstractions;
using OrleansChat.Edge.Routing;
using OrleansChat.Messages;
using OrleansChat.Silo.Options;
using OrleansChat.Tests.Infrastructure;
using Orleans.Runtime;
using StackExchange.Redis;

namespace OrleansChat.Tests.Unit;

/// <summary>Which failed sends the node retries for the client, and for how long.</summary>
public sealed class FailoverRetryTests
{
    [Fact]
    public async Task A_send_that_meets_a_dying_silo_is_retried_until_the_cluster_takes_it()
    {
        var retry = Retry(TimeSpan.FromSeconds(1));
        var failures = new Queue<Exception>([new SiloUnavailableException("silo S1 is dead"), new SiloUnavailableException("silo S1 still dead"), new TimeoutException("no answer")]);
        var calls = 0;

        var result = await retry.RunAsync(() => ++calls <= 3 ? Task.FromException<int>(failures.Dequeue()) : Task.FromResult(42), "SendMessage", CancellationToken.None).WaitAsync(TestIds.Timeout);

        Assert.Equal(42, result);
        Assert.Equal(4, calls);
    }

    [Fact]
    public async Task A_refusal_reaches_the_client_at_once()
    {
        var retry = Retry(TimeSpan.FromSeconds(1));
        var calls = 0;

        var refused = await Assert.ThrowsAsync<ChatException>(() => retry.RunAsync<int>(() =>
        {
            calls++;
            throw ChatException.NotMember("r1");
        }, "SendMessage", CancellationToken.None).WaitAsync(TestIds.Timeout));

        Assert.Equal(ChatErrorCode.NotMember, refused.Code);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_send_whose_connection_closed_is_not_retried()
    {
        var retry = Retry(TimeSpan.FromSeconds(1));
        using var closed = new CancellationTokenSource();
        await closed.CancelAsync();
        var calls = 0;

        await Assert.ThrowsAsync<SiloUnavailableException>(() => retry.RunAsync<int>(() =>
        {
            calls++;
            throw new SiloUnavailableException("silo S1 is dead");
        }, "SendMessage", closed.Token).WaitAsync(TestIds.Timeout));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Retries_stop_once_the_failure_detection_window_is_over()
    {
        // Probe period 50 ms, one missed probe: a window of 200 ms, so pauses of 100 ms, then the error.
        var retry = Retry(TimeSpan.FromMilliseconds(50), missedProbes: 1);
        var calls = 0;

        await Assert.ThrowsAsync<SiloUnavailableException>(() => retry.RunAsync<int>(() =>
        {
            calls++;
            throw new SiloUnavailableException("silo S1 is dead");
        }, "SendMessage", CancellationToken.None).WaitAsync(TestIds.Timeout));

        Assert.Equal(TimeSpan.FromMilliseconds(200), retry.Window);
        Assert.InRange(calls, 2, 3);
    }

    [Fact]
    public async Task A_send_the_store_failed_for_a_moment_is_retried_and_stored()
    {
        var retry = Retry(TimeSpan.FromSeconds(1));
        var calls = 0;

        var result = await retry.RunAsync(() => ++calls <= 2
            ? Task.FromException<int>(new RedisConnectionException(ConnectionFailureType.UnableToConnect, "No connection is active/available"))
            : Task.FromResult(42), "SendMessage", CancellationToken.None).WaitAsync(TestIds.Timeout);

        Assert.Equal(42, result);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task A_store_outage_reaches_the_client_after_about_a_second_not_the_failover_window()
    {
        // A failover window of 8 s: the store gets its own, one second.
        var retry = Retry(TimeSpan.FromSeconds(1));
        var calls = 0;

        await Assert.ThrowsAsync<RedisConnectionException>(() => retry.RunAsync<int>(() =>
        {
            calls++;
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "No connection is active/available");
        }, "SendMessage", CancellationToken.None).WaitAsync(TestIds.Timeout));

        // Pauses of 0.1, 0.2, 0.4 s: four attempts (fewer on a slow box); the failover window would give eleven.
        Assert.InRange(calls, 2, 4);
    }

    [Fact]
    public async Task A_membership_outage_is_not_retried_on_the_node()
    {
        var retry = Retry(TimeSpan.FromSeconds(1));
        var calls = 0;

        await Assert.ThrowsAsync<OrleansException>(() => retry.RunAsync<int>(() =>
        {
            calls++;
            throw new OrleansException("could not read the membership table");
        }, "SendMessage", CancellationToken.None).WaitAsync(TestIds.Timeout));

        Assert.Equal(1, calls);
    }

    private static FailoverRetry Retry(TimeSpan probe, int missedProbes = 3) =>
        new(Microsoft.Extensions.Options.Options.Create(new FailureDetectionOptions { ProbeTimeout = probe, MissedProbesLimit = missedProbes }), TimeProvider.System, NullLogger<FailoverRetry>.Instance);
}
