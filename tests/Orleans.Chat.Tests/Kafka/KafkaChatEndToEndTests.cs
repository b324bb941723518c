using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansChat.Edge.Hubs;
using OrleansChat.Messages;
using OrleansChat.Rooms;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Kafka;

/// <summary>Two real chat nodes forming one cluster whose room event streams run on Kafka.</summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaChatEndToEndTests(KafkaMockFixture kafka)
{
    [Fact]
    public async Task Messages_reach_members_on_both_nodes_and_the_stream_consumer_counts_them()
    {
        var target = KafkaTarget.Fresh(kafka.Mock);
        var clusterId = $"kafka-e2e-{Guid.NewGuid():N}";
        await using var nodeA = await KafkaEdgeNode.StartAsync(clusterId, target);
        await using var nodeB = await KafkaEdgeNode.StartAsync(clusterId, target, primary: nodeA);

        var roomId = TestIds.Room("e2e");
        var (alice, bob) = (TestIds.User("alice"), TestIds.User("bob"));
        await using var aliceConnection = await nodeA.ConnectAsync(alice).WaitAsync(TestIds.Timeout);
        await using var bobConnection = await nodeB.ConnectAsync(bob).WaitAsync(TestIds.Timeout);
        var toAlice = Collect(aliceConnection, 5);
        var toBob = Collect(bobConnection, 5);

        await aliceConnection.InvokeAsync<object>(nameof(ChatHub.JoinRoom), roomId).WaitAsync(TestIds.Timeout);
        await bobConnection.InvokeAsync<object>(nameof(ChatHub.JoinRoom), roomId).WaitAsync(TestIds.Timeout);
        for (var i = 1; i <= 5; i++)
        {
            var sender = i % 2 == 1 ? aliceConnection : bobConnection;
            await sender.InvokeAsync<ChatMessage>(nameof(ChatHub.SendMessage), roomId, $"c{i}", $"hello {i}").WaitAsync(TestIds.Timeout);
        }

        Assert.Equal([1L, 2, 3, 4, 5], (await toAlice.Task.WaitAsync(TestIds.Timeout)).Select(m => m.Seq));
        Assert.Equal([1L, 2, 3, 4, 5], (await toBob.Task.WaitAsync(TestIds.Timeout)).Select(m => m.Seq));
        Assert.Equal("hello 4", (await toAlice.Task).Single(m => m.Seq == 4).Text);

        // The room's stream, read back from Kafka by the activity consumer, served by the other node.
        using var http = new HttpClient { BaseAddress = new Uri(nodeB.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await nodeB.TokenAsync(bob));
        RoomActivity? activity = null;
        await ProbeLog.WaitUntilAsync(async () =>
        {
            activity = await http.GetFromJsonAsync<RoomActivity>($"/api/rooms/{roomId}/activity").WaitAsync(TestIds.Timeout);
            return activity is { Messages: 5 };
        }, TimeSpan.FromSeconds(60), () => $"activity stayed at {activity}");
        Assert.NotNull(activity);
        Assert.Equal((5L, 2, 2L), (activity.LastSeq, activity.Members, activity.Joins));

        using var stranger = new HttpClient { BaseAddress = new Uri(nodeA.Url) };
        stranger.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await nodeA.TokenAsync(TestIds.User("eve")));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await stranger.GetAsync($"/api/rooms/{roomId}/activity").WaitAsync(TestIds.Timeout)).StatusCode);
    }

    /// <summary>Completes with the first <paramref name="count"/> messages the connection receives.</summary>
    private static TaskCompletionSource<List<ChatMessage>> Collect(HubConnection connection, int count)
    {
        var received = new ConcurrentQueue<ChatMessage>();
        var done = new TaskCompletionSource<List<ChatMessage>>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<ChatMessage>(HubNames.Message, message =>
        {
            received.Enqueue(message);
            if (received.Count >= count)
            {
                done.TrySetResult(received.ToList());
            }
        });
        return done;
    }
}
