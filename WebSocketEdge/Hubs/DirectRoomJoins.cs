using System.Collections.Concurrent;
using OrleansChat.Messages;
using OrleansChat.Users;
using OrleansChat.Grains.Background;

namespace OrleansChat.Edge.Hubs;

/// <summary>
/// Makes the two users of a direct conversation members of it when a message finds one of them
/// missing (the first message between them, or one of them left). Clients do not wait for an ack
/// before their next message, so a sender's next messages arrive while the joins of the first still
/// run; each would start the same joins again, and every join announces the user's room list to the
/// nodes holding the user's connections. On this node one join per sender and conversation runs at
/// a time; sends that find it running wait for it and share its outcome.
/// </summary>
public sealed class DirectRoomJoins(IGrainFactory grains, ILogger<DirectRoomJoins> logger)
{
    private readonly ConcurrentDictionary<(string SenderId, string RoomId), Task> _running = new();

    /// <summary>Joins whoever of the two is missing; a recipient with no room for another conversation is named in the error.</summary>
    public Task JoinAsync(string senderId, string toUserId, string roomId, bool senderIsMember)
    {
        var key = (senderId, roomId);
        while (true)
        {
            if (_running.TryGetValue(key, out var running))
            {
                return running;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_running.TryAdd(key, done.Task))
            {
                // Its outcome reaches the callers through done; Forget only covers a fault of its own.
                RunAsync(key, done, toUserId, senderIsMember).Forget(logger, "A direct room join");
                return done.Task;
            }
        }
    }

    private async Task RunAsync((string SenderId, string RoomId) key, TaskCompletionSource done, string toUserId, bool senderIsMember)
    {
        Exception? error = null;
        try
        {
            await JoinBothAsync(key.SenderId, toUserId, key.RoomId, senderIsMember);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        // Forgotten before it completes: a send that comes after the outcome starts afresh.
        _running.TryRemove(new KeyValuePair<(string, string), Task>(key, done.Task));
        if (error is null)
        {
            done.TrySetResult();
        }
        else
        {
            done.TrySetException(error);
        }
    }

    /// <summary>
    /// A sender who is not in the conversation starts it first: that counts against the sender's
    /// daily limit of new conversations, and a refusal must store nothing for the recipient (a
    /// script writing to made-up ids would otherwise fill the store). A recipient with no room for
    /// another conversation is named to the sender, who then leaves it again rather than stay alone.
    /// </summary>
    private async Task JoinBothAsync(string senderId, string toUserId, string roomId, bool senderIsMember)
    {
        if (!senderIsMember)
        {
            await grains.GetGrain<IUserGrain>(senderId).StartDirect(roomId);
        }

        try
        {
            await grains.GetGrain<IUserGrain>(toUserId).JoinRoom(roomId);
        }
        catch (ChatException full) when (full.Code is ChatErrorCode.LimitReached)
        {
            if (!senderIsMember)
            {
                await grains.GetGrain<IUserGrain>(senderId).LeaveRoom(roomId);
            }

            throw new ChatException($"user {toUserId} cannot take more direct conversations", ChatErrorCode.LimitReached);
        }
    }
}
