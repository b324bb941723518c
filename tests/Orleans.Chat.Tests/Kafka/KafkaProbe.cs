using System.Collections.Concurrent;
using System.Diagnostics;
using Orleans.Runtime;
using Orleans.Streams;
using OrleansChat.Tests.Cluster.Infrastructure;

namespace OrleansChat.Tests.Kafka;

/// <summary>A test event: a number in a per-stream sequence and the moment it was published.</summary>
[GenerateSerializer, Immutable, Alias("test.ProbeEvent")]
public sealed record ProbeEvent([property: Id(0)] long Value, [property: Id(1)] long PublishedAt);

[Alias("test.IKafkaProbePublisherGrain")]
public interface IProbePublisherGrain : IGrainWithStringKey
{
    /// <summary>Publishes <paramref name="first"/>.. on stream (probe namespace, <paramref name="streamKey"/>), one after another.</summary>
    [Alias("Publish")]
    Task Publish(string streamKey, long first, int count);
}

[Alias("test.IProbeGrain")]
public interface IProbeGrain : IGrainWithStringKey
{
    [Alias("Ping")]
    Task<string> Ping();
}

public sealed class ProbePublisherGrain : Grain, IProbePublisherGrain
{
    public async Task Publish(string streamKey, long first, int count)
    {
        var stream = this.GetStreamProvider(ChatNames.StreamProvider)
            .GetStream<ProbeEvent>(StreamId.Create(ProbeLog.Namespace, streamKey));
        for (var value = first; value < first + count; value++)
        {
            await stream.OnNextAsync(new ProbeEvent(value, Stopwatch.GetTimestamp()));
        }
    }
}

/// <summary>The consumer under test: every probe stream activates one and it writes what it receives to <see cref="ProbeLog"/>.</summary>
[ImplicitStreamSubscription(ProbeLog.Namespace)]
public sealed class ProbeGrain : Grain, IProbeGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        await this.GetStreamProvider(ChatNames.StreamProvider)
            .GetStream<ProbeEvent>(StreamId.Create(ProbeLog.Namespace, key))
            .SubscribeAsync((e, _) =>
            {
                ProbeLog.Record(key, e);
                return Task.CompletedTask;
            });
    }

    public Task<string> Ping() => Task.FromResult(this.GetPrimaryKeyString());
}

/// <summary>
/// What the probe consumers received, per stream, in arrival order. Test silos run in this
/// process, so the log is shared; stream keys are unique per test.
/// </summary>
public static class ProbeLog
{
    public const string Namespace = "kafka-probe";

    private static readonly ConcurrentDictionary<string, List<(long Value, long LatencyTicks)>> Streams = new();
    private static TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static void Record(string streamKey, ProbeEvent e)
    {
        var latency = Stopwatch.GetTimestamp() - e.PublishedAt;
        var list = Streams.GetOrAdd(streamKey, _ => []);
        lock (list)
        {
            list.Add((e.Value, latency));
        }

        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    public static IReadOnlyList<long> Values(string streamKey) => Entries(streamKey).Select(e => e.Value).ToList();

    public static IReadOnlyList<(long Value, long LatencyTicks)> Entries(string streamKey)
    {
        if (!Streams.TryGetValue(streamKey, out var list))
        {
            return [];
        }

        lock (list)
        {
            return list.ToList();
        }
    }

    /// <summary>The distinct values in the order they first arrived (redeliveries are allowed; order and completeness are not optional).</summary>
    public static IReadOnlyList<long> FirstArrivals(string streamKey) => Values(streamKey).Distinct().ToList();

    /// <summary>Waits, without sleeping, until every value in [first, last] of each stream arrived.</summary>
    public static Task WaitForAsync(IEnumerable<string> streamKeys, long first, long last, TimeSpan timeout)
    {
        var keys = streamKeys.ToList();
        return WaitUntilAsync(() => keys.All(k => Values(k).ToHashSet() is var seen && LongRange(first, last).All(seen.Contains)), timeout,
            () => string.Join("; ", keys.Select(k => $"{k}: {Values(k).Distinct().Count()} of {last - first + 1}")));
    }

    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe) =>
        Poll.UntilAsync(condition, timeout, describe, () => _changed.Task);

    public static Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe) =>
        Poll.UntilAsync(condition, timeout, describe, () => _changed.Task);

    public static IEnumerable<long> LongRange(long first, long last)
    {
        for (var v = first; v <= last; v++)
        {
            yield return v;
        }
    }
}
