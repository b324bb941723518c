namespace OrleansChat.Edge.Refusals;

/// <summary>Why a hub call was refused for a service failure (not for bad input): what a client shows and what metrics count.</summary>
public enum RefusalCause
{
    /// <summary>The message history (Redis or MongoDB) did not answer.</summary>
    MessageStore,

    /// <summary>Room or user state (Orleans grain storage) could not be read or written.</summary>
    StateStore,

    /// <summary>The cluster membership table could not be read or written.</summary>
    Membership,

    /// <summary>A grain call got no answer within the response timeout.</summary>
    ClusterTimeout,

    /// <summary>The silo holding the grain is leaving, gone, or refused the call.</summary>
    NodeUnavailable,

    /// <summary>Anything else: a fault, logged with an id the client is shown.</summary>
    Internal,
}
