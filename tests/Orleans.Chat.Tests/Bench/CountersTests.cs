using OrleansChat.Bench.Load;

namespace OrleansChat.Tests.Bench;

public sealed class CountersTests
{
    [Fact]
    public void A_server_refusal_is_counted_by_its_reason_not_by_SignalRs_prefix()
    {
        var counters = new Counters();
        counters.Error("send", "An unexpected error occurred invoking 'SendDirect' on the server. HubException: SendDirect: the cluster did not answer in time");
        counters.Error("send", "An unexpected error occurred invoking 'SendMessage' on the server. HubException: rate limit exceeded, retry in 0.4 s");
        counters.Error("send", "An unexpected error occurred invoking 'SendMessage' on the server. HubException: rate limit exceeded, retry in 1.2 s");
        counters.Error("send", "connection lost before ack");

        var errors = counters.Errors();
        Assert.Equal(1, errors["send: SendDirect: the cluster did not answer in time"]);
        Assert.Equal(2, errors["send: rate limit exceeded, retry in . s"]);
        Assert.Equal(1, errors["send: connection lost before ack"]);
    }
}
