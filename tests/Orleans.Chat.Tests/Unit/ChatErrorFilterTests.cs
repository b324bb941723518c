using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansChat.Edge.Hubs;
using OrleansChat.Messages;
using Orleans.Runtime;

namespace OrleansChat.Tests.Unit;

/// <summary>What a client is told when a hub call fails.</summary>
public sealed class ChatErrorFilterTests
{
    [Fact]
    public async Task A_grain_call_that_timed_out_tells_the_client_to_retry_with_the_same_clientMsgId()
    {
        var error = await InvokeFailingAsync(new TimeoutException("Response did not arrive on time in 00:00:10"));

        Assert.Contains("SendMessage", error.Message);
        Assert.Contains("did not answer in time", error.Message);
        Assert.Contains("same clientMsgId", error.Message);
    }

    [Fact]
    public async Task A_silo_that_is_gone_tells_the_client_to_retry()
    {
        var gone = await InvokeFailingAsync(new SiloUnavailableException("silo S1 is dead"));

        Assert.Contains("could not take the call", gone.Message);
        Assert.Contains("same clientMsgId", gone.Message);
    }

    [Fact]
    public async Task A_refusal_keeps_its_own_reason()
    {
        var error = await InvokeFailingAsync(new ChatException("not a member of room r1", ChatErrorCode.NotMember));

        Assert.Equal("not a member of room r1", error.Message);
    }

    [Fact]
    public async Task Other_failures_stay_unexplained_to_the_client()
    {
        var filter = new ChatErrorFilter(NullLogger<ChatErrorFilter>.Instance);

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await filter.InvokeMethodAsync(Context(), _ => throw new InvalidOperationException("internal detail")));
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
