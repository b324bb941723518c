namespace OrleansChat.Edge.Routing.Feeds;

/// <summary>Where a node's feed of one room stands.</summary>
public enum FeedState
{
    /// <summary>The first subscribe has not answered: the room's seq is unknown, events wait (bounded).</summary>
    Subscribing,

    /// <summary>Delivering in seq order; messages that overtook a missing one wait for it.</summary>
    Live,

    /// <summary>Live, with a fetch of missing messages from the room under way (one at a time).</summary>
    FillingGap,
}
