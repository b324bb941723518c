using System.Reflection;
using OrleansChat.Edge.Refusals;
using OrleansChat.Messages;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace OrleansChat.Tests.Unit;

/// <summary>The cause a client is told for each way a store, the stream or the cluster fails, as the exception reaches the hub.</summary>
public sealed class RefusalClassifierTests
{
    public static TheoryData<string, Exception, RefusalCause> Failures => new()
    {
        { "Redis down, message store call", new RedisConnectionException(ConnectionFailureType.SocketFailure, "No connection is active/available to service this operation: HLEN"), RefusalCause.MessageStore },
        { "Redis timed out, message store call", new RedisTimeoutException("Timeout awaiting response (outbound=0KiB, inbound=0KiB, 5000ms elapsed)", CommandStatus.WaitingToBeSent), RefusalCause.MessageStore },
        { "Redis exception that crossed silos by name only", Fallback("StackExchange.Redis.RedisConnectionException"), RefusalCause.MessageStore },
        { "MongoDB server selection timed out", new TimeoutException("A timeout occurred after 30000ms selecting a server using CompositeServerSelector"), RefusalCause.MessageStore },
        { "Mongo exception that crossed silos by name only", Fallback("MongoDB.Driver.MongoNotPrimaryException"), RefusalCause.MessageStore },
        { "grain state write failed", new OrleansException("Error from storage provider RedisGrainStorage.chat-state during WriteState for grain room/r1", new RedisConnectionException(ConnectionFailureType.SocketFailure, "No connection")), RefusalCause.StateStore },
        { "grain state write landed after a timeout", new InconsistentStateException("etag mismatch", "e1", "e2"), RefusalCause.StateStore },
        { "grain activation rejected for its store", Rejection("Forwarding failed: activation failed: StackExchange.Redis.RedisConnectionException: No connection is active"), RefusalCause.MessageStore },
        { "membership table unreachable", new OrleansException("Failed to read the membership table", Fallback("Orleans.Clustering.Redis.RedisClusteringException")), RefusalCause.Membership },
        { "grain call timed out", new TimeoutException("Response did not arrive on time in 00:00:10 for message: Request ..."), RefusalCause.ClusterTimeout },
        { "silo gone", new SiloUnavailableException("The target silo became unavailable"), RefusalCause.NodeUnavailable },
        { "message rejected by a leaving silo", Rejection("Silo S1 is shutting down"), RefusalCause.NodeUnavailable },
        { "store error inside an aggregate", new AggregateException(new InvalidOperationException("other"), new RedisConnectionException(ConnectionFailureType.SocketFailure, "x")), RefusalCause.MessageStore },
        { "a bug", new NullReferenceException(), RefusalCause.Internal },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Each_failure_is_named_by_its_cause(string what, Exception failure, RefusalCause expected)
    {
        Assert.True(expected == RefusalClassifier.Classify(failure).Cause, what);
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public void Every_description_says_what_failed_and_when_to_retry(string what, Exception failure, RefusalCause cause)
    {
        var text = RefusalClassifier.Classify(failure).Describe("SendMessage", "abc");

        Assert.True(text.StartsWith("SendMessage: ", StringComparison.Ordinal), what);
        Assert.Matches(@"retry in \d+(\.\d)? s", text);
        Assert.Equal(cause is not RefusalCause.Internal, RefusalClassifier.Classify(failure).Transient);
    }

    [Fact]
    public void The_store_outage_reads_as_the_contract_example()
    {
        var refusal = RefusalClassifier.Classify(new RedisConnectionException(ConnectionFailureType.UnableToConnect, "No connection"));

        Assert.Equal("JoinRoom: message store unavailable, retry in 2 s", refusal.Describe("JoinRoom"));
        Assert.Equal("message-store", refusal.Label);
    }

    [Fact]
    public void A_store_timeout_warns_that_the_send_may_have_been_stored()
    {
        var refusal = RefusalClassifier.Classify(new RedisTimeoutException("Timeout awaiting response", CommandStatus.Sent));

        Assert.True(refusal.MayHaveCompleted);
        Assert.Contains("same clientMsgId is stored once", refusal.Describe("SendMessage"));
    }

    /// <summary>What arrives when the receiving side cannot rebuild the exception's type: only its name (set by Orleans' codec, internally).</summary>
    private static UnavailableExceptionFallbackException Fallback(string typeName)
    {
        var fallback = new UnavailableExceptionFallbackException("fallback", null!);
        typeof(UnavailableExceptionFallbackException).GetProperty(nameof(UnavailableExceptionFallbackException.ExceptionType))!.SetValue(fallback, typeName);
        return fallback;
    }

    /// <summary>Orleans builds these itself (the constructor is internal).</summary>
    private static OrleansMessageRejectionException Rejection(string message) =>
        (OrleansMessageRejectionException)Activator.CreateInstance(typeof(OrleansMessageRejectionException), BindingFlags.Instance | BindingFlags.NonPublic, null, [message], null)!;

    [Fact]
    public void A_cycle_of_inner_exceptions_does_not_hang_the_classifier()
    {
        var outer = new AggregateException(new InvalidOperationException("a"));
        var nested = new AggregateException(outer, outer, outer, outer, outer, outer, outer, outer, outer, outer);
        var deep = new AggregateException(nested, nested, nested, nested, nested, nested, nested, nested);

        Assert.Equal(RefusalCause.Internal, RefusalClassifier.Classify(deep).Cause);
    }
}
