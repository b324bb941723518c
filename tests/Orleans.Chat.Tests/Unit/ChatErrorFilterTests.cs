using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansChat.Edge.Hubs;
using OrleansChat.Messages;
using Orleans.Runtime;
using StackExchange.Redis;

namespace OrleansChat.Tests.Unit;

/// <summary>What a client is told when a hub call fails.</summary>
public sealed class ChatErrorFilterTests
{
    [Fact]
    public async Task A_grain_call_that_timed_out_tells_the_client_to_retry_with_the_same_clientMsgId()
    {
        var error = await InvokeFailingAsync(new TimeoutException("Response did not arrive on time in 00:00:10"));

        Assert.Equal("SendMessage: no answer from the cluster in time, retry in 1 s; it may still complete, and a send repeated with the same clientMsgId is stored once", error.Message);
    }

    [Fact]
    public async Task A_silo_that_is_gone_tells_the_client_to_retry()
    {
        var gone = await InvokeFailingAsync(new SiloUnavailableException("silo S1 is dead"));

        Assert.Equal("SendMessage: the node holding this room or user is leaving or restarting, retry in 1 s", gone.Message);
    }

    [Fact]
    public async Task A_store_that_does_not_answer_is_named_with_when_to_retry()
    {
        var error = await InvokeFailingAsync(new RedisConnectionException(ConnectionFailureType.UnableToConnect, "No connection is active/available to service this operation: EVALSHA"));

        Assert.Equal("SendMessage: message store unavailable, retry in 2 s", error.Message);
    }

    [Fact]
    public async Task A_refusal_keeps_its_own_reason()
    {
        var error = await InvokeFailingAsync(new ChatException("not a member of room r1", ChatErrorCode.NotMember));

        Assert.Equal("not a member of room r1", error.Message);
    }

    [Fact]
    public async Task An_unforeseen_fault_still_answers_with_a_reason_and_an_id_but_no_internals()
    {
        var error = await InvokeFailingAsync(new InvalidOperationException("internal detail"));

        Assert.Matches(@"^SendMessage: internal error \(logged as [0-9a-f]{12}\), retry in 2 s; it may still complete", error.Message);
        Assert.DoesNotContain("internal detail", error.Message);
    }

    private static async Task<HubException> InvokeFailingAsync(Exception failure)
    {
        var filter = new ChatErrorFilter(NullLogger<ChatErrorFilter>.Instance);
        return await Assert.ThrowsAsync<HubException>(async () =>
            await filter.InvokeMethodAsync(Context(), _ => ValueTask.FromException<object?>(failure)));
    }

    private static HubInvocationContext Context() =>
        new(new CallerContext(), new ServiceCollection().BuildServiceProvider(), new PlainHub(),
            typeof(ChatHub).GetMethod(nameof(ChatHub.SendMessage))!, ["room", "c1", "hello"]);

    private sealed class PlainHub : Hub;

    private sealed class CallerContext : HubCallerContext
    {
        public override string ConnectionId => "conn-1";

        public override string? UserIdentifier => "u1";

        public override ClaimsPrincipal? User => null;

        public override IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();

        public override IFeatureCollection Features { get; } = new FeatureCollection();

        public override CancellationToken ConnectionAborted => CancellationToken.None;

        public override void Abort()
        {
        }
    }
}
