using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansChat.Messages;
using OrleansChat.Nodes;
using OrleansChat.Rooms;
using OrleansChat.Tests.Infrastructure;
using OrleansChat.Users;
using Orleans.Hosting;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace OrleansChat.Tests.Kafka;

/// <summary>
/// Publish→deliver latency of one stream event, Kafka provider against memory streams, in one run
/// on one machine: events go one at a time (each waits for the previous to arrive), so this is
/// the latency of an idle system, poll wait included. It prints median and p99 (figures quoted in
/// docs/architecture.md; no bound is asserted on them) and asserts what they rest on: the stream
/// consumer gets every event in publish order, and sends get consecutive seqs. Set
/// KAFKA_LATENCY_EVENTS for a longer run (default 200).
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaLatencyMeasurement(KafkaMockFixture kafka, ITestOutputHelper output)
{
    [Fact]
    public async Task Publish_to_deliver_latency_Kafka_against_memory_streams()
    {
        var events = int.TryParse(Environment.GetEnvironmentVariable("KAFKA_LATENCY_EVENTS"), out var n) && n > 0 ? n : 200;

        // Each cluster is stopped even when a measurement fails, so a failure does not leave silos behind.
        List<double> kafkaLatencies, memoryLatencies;
        (List<double> Acks, List<double> Live) kafkaSends, memorySends;
        var kafkaCluster = await KafkaTestCluster.StartAsync(KafkaTarget.Fresh(kafka.Mock), silos: 1);
        try
        {
            kafkaLatencies = await MeasureAsync(kafkaCluster, events);
            kafkaSends = await MeasureSendsAsync(kafkaCluster, events);
        }
        finally
        {
            await KafkaTestCluster.StopAsync(kafkaCluster);
        }

        var memoryCluster = await StartMemoryClusterAsync();
        try
        {
            memoryLatencies = await MeasureAsync(memoryCluster, events);
            memorySends = await MeasureSendsAsync(memoryCluster, events);
        }
        finally
        {
            await KafkaTestCluster.StopAsync(memoryCluster);
        }

        output.WriteLine($"events per provider: {events}, one at a time, poll period 20 ms for both");
        output.WriteLine(Describe("kafka ", kafkaLatencies));
        output.WriteLine(Describe("memory", memoryLatencies));
        output.WriteLine("room Send round trip (acknowledged once stored):");
        output.WriteLine(Describe("kafka ", kafkaSends.Acks));
        output.WriteLine(Describe("memory", memorySends.Acks));
        output.WriteLine("send -> live fan-out (node observer) has the message:");
        output.WriteLine(Describe("kafka ", kafkaSends.Live));
        output.WriteLine(Describe("memory", memorySends.Live));
    }

    private static async Task<List<double>> MeasureAsync(TestCluster cluster, int events)
    {
        var key = TestIds.Room("latency");
        var publisher = cluster.GrainFactory.GetGrain<IProbePublisherGrain>(key);
        // Warm-up: the first event activates the consumer and opens connections.
        await publisher.Publish(key, 0, 1).WaitAsync(TestIds.Timeout);
        await ProbeLog.WaitForAsync([key], 0, 0, TestIds.Timeout);
        for (var value = 1; value <= events; value++)
        {
            await publisher.Publish(key, value, 1).WaitAsync(TestIds.Timeout);
            await ProbeLog.WaitForAsync([key], value, value, TestIds.Timeout);
        }

        // What the figures rest on: the consumer saw every event, first arrivals in publish order.
        Assert.Equal(Enumerable.Range(0, events + 1).Select(v => (long)v), ProbeLog.FirstArrivals(key));
        return ProbeLog.Entries(key).Where(e => e.Value > 0).DistinctBy(e => e.Value)
            .Select(e => e.LatencyTicks * 1000.0 / Stopwatch.Frequency).ToList();
    }

    /// <summary>
    /// What SendMessage costs the sender (the room stores the message and waits for the stream to
    /// take the event), and when the live fan-out (a node observer) has it, measured from the send.
    /// </summary>
    private static async Task<(List<double> Acks, List<double> Live)> MeasureSendsAsync(TestCluster cluster, int sends)
    {
        var user = TestIds.User();
        var room = cluster.GrainFactory.GetGrain<IRoomGrain>(TestIds.Room("latency"));
        await room.Join(user).WaitAsync(TestIds.Timeout);
        var node = new LiveNode();
        await room.Subscribe("latency-node", cluster.Client.CreateObjectReference<IChatNode>(node)).WaitAsync(TestIds.Timeout);
        var (acks, live) = (new List<double>(sends), new List<double>(sends));
        for (var i = 1; i <= sends; i++)
        {
            var arrived = node.Expect(i);
            var started = Stopwatch.GetTimestamp();
            var stored = await room.Send(user, $"c{i}", "latency").WaitAsync(TestIds.Timeout);
            acks.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Assert.Equal(i, stored.Seq);
            live.Add((Stopwatch.GetElapsedTime(started, await arrived.WaitAsync(TestIds.Timeout))).TotalMilliseconds);
        }

        return (acks, live);
    }

    /// <summary>Stands in for an edge node: notes when each message reaches it.</summary>
    private sealed class LiveNode : IChatNode
    {
        private readonly ConcurrentDictionary<long, TaskCompletionSource<long>> _expected = new();

        public Task<long> Expect(long seq) => _expected.GetOrAdd(seq, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public Task OnRoomEvent(RoomEvent roomEvent)
        {
            if (roomEvent is MessageEvent m)
            {
                _expected.GetOrAdd(m.Message.Seq, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(Stopwatch.GetTimestamp());
            }

            return Task.CompletedTask;
        }

        public Task OnRoomEvents(RoomEvent[] roomEvents)
        {
            foreach (var roomEvent in roomEvents)
            {
                OnRoomEvent(roomEvent);
            }

            return Task.CompletedTask;
        }

        public Task OnRoomActivated(string roomId) => Task.CompletedTask;

        public Task OnUserActivated(string userId) => Task.CompletedTask;

        public Task ApplyUserRooms(string userId, UserRooms rooms) => Task.CompletedTask;

        public Task RemoveFromRoom(string userId, UserRooms rooms, RoomEvent notice) => Task.CompletedTask;

        public Task OnUserEvent(string userId, RoomEvent notice) => Task.CompletedTask;

        public Task OnPresence(string userId, bool online, IReadOnlyList<string> roomIds) => Task.CompletedTask;

        public Task<string[]> OnlineAmong(string[] userIds) => Task.FromResult<string[]>([]);

        public Task<int> CloseConnectionsOf(string userId) => Task.FromResult(0);
    }

    private static string Describe(string provider, List<double> millis)
    {
        var sorted = millis.Order().ToList();
        double At(double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
        return $"{provider}: median {At(0.50):F2} ms, p99 {At(0.99):F2} ms, max {sorted[^1]:F2} ms";
    }

    private static async Task<TestCluster> StartMemoryClusterAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<MemorySilo>();
        var cluster = builder.Build();
        await cluster.DeployAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return cluster;
    }

    private sealed class MemorySilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.AddChatGrainsInMemory();
            // Same poll period as the Kafka provider's default, so the comparison is of transport, not timers.
            silo.AddMemoryStreams(ChatNames.StreamProvider, streams => streams.ConfigurePullingAgent(agent =>
                agent.Configure(o => o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(20))));
        }
    }
}
