using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansChat.Edge.Cluster;
using OrleansChat.Messages;

namespace OrleansChat.Tests.Unit;

public sealed class OpenConnectionsTests
{
    [Fact]
    public async Task A_connect_that_fails_for_good_is_cut_so_that_its_disconnect_runs_instead_of_leaving_a_ghost_connection()
    {
        var connections = new OpenConnections(NullLogger<OpenConnections>.Instance);
        var caller = new FakeCaller("c1");

        await connections.OnConnectedAsync(Context(caller), _ => throw new ChatException("the user's rooms could not be read"))
            .WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(caller.Aborted);
        Assert.Equal(1, connections.Count);
        await connections.OnDisconnectedAsync(Context(caller), null, (_, _) => Task.CompletedTask).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, connections.Count);
    }

    [Fact]
    public async Task A_connect_that_succeeds_leaves_the_connection_open()
    {
        var connections = new OpenConnections(NullLogger<OpenConnections>.Instance);
        var caller = new FakeCaller("c2");

        await connections.OnConnectedAsync(Context(caller), _ => Task.CompletedTask).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(caller.Aborted);
        Assert.Equal(1, connections.Count);
    }

    private static HubLifetimeContext Context(HubCallerContext caller) =>
        new(caller, new ServiceCollection().BuildServiceProvider(), new NoHub());

    private sealed class NoHub : Hub;

    private sealed class FakeCaller(string connectionId) : HubCallerContext
    {
        public bool Aborted { get; private set; }

        public override string ConnectionId => connectionId;

        public override string? UserIdentifier => "alice";

        public override ClaimsPrincipal? User => null;

        public override IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();

        public override IFeatureCollection Features { get; } = new FeatureCollection();

        public override CancellationToken ConnectionAborted => CancellationToken.None;

        public override void Abort() => Aborted = true;
    }
}
