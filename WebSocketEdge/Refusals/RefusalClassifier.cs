using OrleansChat.Messages;
using Orleans.Runtime;
using Orleans.Serialization;

namespace OrleansChat.Edge.Refusals;

/// <summary>
/// Names the cause of a failed hub call from the exception that reached the hub. Grain calls carry
/// exceptions across silos, and a type the receiving side does not know arrives as Orleans'
/// <see cref="UnavailableExceptionFallbackException"/> with only its type name; wrappers (Orleans'
/// "Error from storage provider", a rejected message, an aggregate) hide the cause further in. So the
/// whole chain is read, by type name and by the drivers' own words, and the store is checked before
/// the cluster: a call rejected because its grain could not activate against a dead store is a store
/// outage, not a node going away. Pure and static so that the hub filter, the connect retry and any
/// hub-side retry share one answer.
/// </summary>
public static class RefusalClassifier
{
    /// <summary>Long enough for a driver to reconnect to a restarted store or for a failover to settle; short enough that a user is not kept waiting.</summary>
    public static readonly TimeSpan StoreRetry = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan ClusterRetry = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MembershipRetry = TimeSpan.FromSeconds(5);

    private const string StorageProviderError = "Error from storage provider";

    public static Refusal Classify(Exception exception)
    {
        var chain = Chain(exception).ToList();

        if (chain.Any(IsMembership))
        {
            return new Refusal(RefusalCause.Membership, MembershipRetry, MayHaveCompleted: false);
        }

        // Grain state goes through Orleans' storage bridge, which wraps the driver's exception in
        // an OrleansException naming the storage provider; the message store's calls do not. An
        // inconsistent state (a write that timed out but landed) deactivates the grain, so the
        // next call reads the state afresh: a retry cures it too.
        if (chain.Any(IsStateStore))
        {
            return new Refusal(RefusalCause.StateStore, StoreRetry, MayHaveCompleted: false);
        }

        if (chain.Any(IsStoreDriver))
        {
            // A store timeout may hide a write that did reach the store: the send may be stored.
            return new Refusal(RefusalCause.MessageStore, StoreRetry, MayHaveCompleted: chain.Any(e => TypeName(e).Contains("Timeout", StringComparison.Ordinal)));
        }

        if (exception is TimeoutException)
        {
            return new Refusal(RefusalCause.ClusterTimeout, ClusterRetry, MayHaveCompleted: true);
        }

        if (chain.Any(e => e is SiloUnavailableException or OrleansMessageRejectionException or GatewayTooBusyException))
        {
            return new Refusal(RefusalCause.NodeUnavailable, ClusterRetry, MayHaveCompleted: false);
        }

        return new Refusal(RefusalCause.Internal, StoreRetry, MayHaveCompleted: true);
    }

    /// <summary>The exception and everything it wraps, depth first, bounded against cycles.</summary>
    private static IEnumerable<Exception> Chain(Exception exception)
    {
        var pending = new Stack<Exception>([exception]);
        for (var seen = 0; pending.Count > 0 && seen < 32; seen++)
        {
            var current = pending.Pop();
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.Reverse())
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }

    /// <summary>The original type's full name, also for an exception that crossed silos as a fallback.</summary>
    private static string TypeName(Exception exception) =>
        exception is UnavailableExceptionFallbackException fallback && !string.IsNullOrEmpty(fallback.ExceptionType)
            ? fallback.ExceptionType
            : exception.GetType().FullName ?? "";

    private static bool IsStateStore(Exception exception)
    {
        var type = TypeName(exception);
        return exception.Message.Contains(StorageProviderError, StringComparison.Ordinal)
            || type.EndsWith("RedisStorageException", StringComparison.Ordinal)
            || type.EndsWith("InconsistentStateException", StringComparison.Ordinal);
    }

    private static bool IsMembership(Exception exception)
    {
        var type = TypeName(exception);
        return type.Contains("RedisClusteringException", StringComparison.Ordinal)
            || type.Contains("MembershipTable", StringComparison.Ordinal)
            || exception.Message.Contains("membership table", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>StackExchange.Redis and the MongoDB driver, by type, or by the words they use when a call is rejected on their behalf.</summary>
    private static bool IsStoreDriver(Exception exception)
    {
        var type = TypeName(exception);
        if (type.StartsWith("StackExchange.Redis.", StringComparison.Ordinal) || type.StartsWith("MongoDB.", StringComparison.Ordinal))
        {
            return true;
        }

        var message = exception.Message;
        return message.Contains("StackExchange.Redis", StringComparison.Ordinal)
            || message.Contains("RedisConnectionException", StringComparison.Ordinal)
            || message.Contains("RedisTimeoutException", StringComparison.Ordinal)
            || message.Contains("MongoDB.Driver", StringComparison.Ordinal)
            // The MongoDB driver's server selection gives up with a plain TimeoutException.
            || (exception is TimeoutException && message.Contains("selecting a server", StringComparison.Ordinal));
    }
}
