using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Edge;

/// <summary>SIGTERM drains a node while it still runs: its clients are asked to move and keep being served until they do.</summary>
public sealed class DrainTests
{
    [Fact]
    public async Task A_terminated_node_asks_clients_to_move_refuses_newcomers_serves_the_rest_and_stops_once_they_left()
    {
        // Long enough that only the clients leaving can end the drain within the test.
        await using var node = await EdgeProcess.StartAsync(new Dictionary<string, string> { ["Chat:Edge:DrainTimeout"] = "00:00:20" });
        var room = TestIds.Room("drain");
        // Disposed below on purpose, to end the drain; await using covers a failure before that, and a second dispose does nothing.
        await using var alice = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("alice"));
        await using var bob = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("bob"));
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Try: a repeated ask must not throw inside the client's handler.
        using var onReconnect = alice.Connection.On("reconnect", () => asked.TrySetResult());

        await node.TerminateAsync();
        await asked.Task.WaitAsync(TestIds.Timeout);

        // Newcomers and the load balancer's health check are turned away ...
        using (var http = new HttpClient { Timeout = TestIds.Timeout })
        using (var health = await http.GetAsync($"{node.BaseUrl}/health"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Equal("1", health.Headers.RetryAfter?.ToString());
        }

        var (status, _, _) = await TestChatClient.TryUpgradeAsync(node.BaseUrl, TestIds.User("carol"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);

        // ... while the clients still here chat on until they go.
        var sent = await alice.SendAsync(room, "moving soon");
        var received = await bob.WaitForAsync("message", m => m.GetProperty("seq").GetInt64() == sent.GetProperty("seq").GetInt64());
        Assert.Equal("moving soon", received.GetProperty("text").GetString());
        Assert.False(node.HasExited);

        await alice.DisposeAsync();
        await bob.DisposeAsync();
        await node.WaitForExitAsync(TimeSpan.FromSeconds(10)); // half the drain timeout: it ended because they left

        Assert.Contains("Drained: closed 0 remaining connections", node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_still_there_when_the_drain_times_out_is_cut_off_in_a_way_that_lets_it_reconnect()
    {
        await using var node = await EdgeProcess.StartAsync(new Dictionary<string, string> { ["Chat:Edge:DrainTimeout"] = "00:00:01" });
        await using var stays = await TestChatClient.ConnectAsync(node.BaseUrl, TestIds.User("stays"), b => b.WithAutomaticReconnect([TimeSpan.FromSeconds(30)]));
        var reconnecting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        stays.Connection.Reconnecting += _ =>
        {
            reconnecting.TrySetResult();
            return Task.CompletedTask;
        };
        stays.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        await node.TerminateAsync();
        var first = await Task.WhenAny(reconnecting.Task, closed.Task).WaitAsync(TestIds.Timeout);

        // A close that forbids reconnecting would end the official client's session for good.
        Assert.Same(reconnecting.Task, first);
        await node.WaitForExitAsync(TestIds.Timeout);
        Assert.Contains("Drained: closed 1 remaining connections", node.Output, StringComparison.Ordinal);
    }
}
