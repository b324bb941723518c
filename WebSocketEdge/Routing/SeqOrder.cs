using OrleansChat.Messages;

namespace OrleansChat.Edge.Routing;

/// <summary>
/// Puts one room's messages back into seq order for this node: releases each seq once, in order,
/// holds back those that overtook an earlier one, and drops repeats. Not thread-safe: one shard owns it.
/// </summary>
public sealed class SeqOrder(long lastDelivered)
{
    private readonly SortedList<long, ChatMessage> _pending = [];

    /// <summary>The highest seq released so far; every seq up to it was released exactly once.</summary>
    public long LastDelivered { get; private set; } = lastDelivered;

    public int PendingCount => _pending.Count;

    /// <summary>Whether messages are held back behind a missing seq.</summary>
    public bool HasGap => _pending.Count > 0;

    /// <summary>The highest seq held back: fetching (LastDelivered, this] closes every gap.</summary>
    public long HighestPending => _pending.Count > 0 ? _pending.Keys[^1] : LastDelivered;

    /// <summary>Takes a message; returns what can be released now, in seq order (often just that message).</summary>
    public IReadOnlyList<ChatMessage> Offer(ChatMessage message)
    {
        if (message.Seq <= LastDelivered)
        {
            return [];
        }

        if (message.Seq > LastDelivered + 1)
        {
            _pending.TryAdd(message.Seq, message);
            return [];
        }

        var released = new List<ChatMessage>(1) { message };
        LastDelivered = message.Seq;
        Drain(released);
        return released;
    }

    /// <summary>Gives up on everything missing before the first held-back message (it is the clients' to Resume).</summary>
    public IReadOnlyList<ChatMessage> SkipGap()
    {
        if (_pending.Count == 0)
        {
            return [];
        }

        LastDelivered = _pending.Keys[0] - 1;
        var released = new List<ChatMessage>();
        Drain(released);
        return released;
    }

    private void Drain(List<ChatMessage> released)
    {
        while (_pending.Count > 0 && _pending.Keys[0] <= LastDelivered + 1)
        {
            var next = _pending.Values[0];
            _pending.RemoveAt(0);
            if (next.Seq == LastDelivered + 1)
            {
                released.Add(next);
                LastDelivered = next.Seq;
            }
        }
    }
}
