using OrleansChat.Rooms;
using OrleansChat.Tests.Infrastructure;
using OrleansChat.Tests.Kafka;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace OrleansChat.Tests.Grains;

/// <summary>The default stream provider keeps its queues in the publishing silo; consumers on any silo still get every event.</summary>
public sealed class SiloLocalStreamsTests
{
    [Fact]
    public async Task Rooms_on_both_silos_publish_every_message_to_their_consumers_wherever_those_live()
    {
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<LocalStreamsSilo>();
        var cluster = builder.Build();
        await cluster.DeployAsync().WaitAsync(TimeSpan.FromMinutes(2));
        try
        {
            // Enough rooms that both silos host some rooms and some consumers.
            var user = TestIds.User();
            var rooms = Enumerable.Range(0, 12).Select(i => TestIds.Room($"local{i}")).ToList();
            foreach (var roomId in rooms)
            {
                var room = cluster.GrainFactory.GetGrain<IRoomGrain>(roomId);
                await room.Join(user).WaitAsync(TestIds.Timeout);
                await Task.WhenAll(Enumerable.Range(1, 20).Select(i => room.Send(user, $"c{i}", $"text {i}"))).WaitAsync(TestIds.Timeout);
            }

            foreach (var roomId in rooms)
            {
                var activity = cluster.GrainFactory.GetGrain<IRoomActivityGrain>(roomId);
                await ProbeLog.WaitUntilAsync(async () => await activity.GetActivity().WaitAsync(TestIds.Timeout) is { Messages: 20, LastSeq: 20, Members: 1 },
                    TestIds.Timeout, () => $"room {roomId}'s consumer did not get its 20 messages once each");
            }
        }
        finally
        {
            await cluster.StopAllSilosAsync().WaitAsync(TimeSpan.FromMinutes(1));
            await cluster.DisposeAsync().AsTask().WaitAsync(TestIds.Timeout);
        }
    }

    private sealed class LocalStreamsSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.AddChatGrainsInMemory().AddSiloLocalStreams(ChatNames.StreamProvider);
        }
    }
}
