using System.Collections.Concurrent;
using OrleansChat.Messages;
using OrleansChat.Storage;

namespace OrleansChat.Silo.Persistence.Memory;

/// <summary>History in this process: the embedded node's store and the reference the other stores are tested against.</summary>
public sealed class MemoryMessageStore : IMessageStore
{
    private readonly ConcurrentDictionary<string, RoomLog> _rooms = new(StringComparer.Ordinal);

    public Task<AppendResult> AppendAsync(ChatMessage message, CancellationToken cancellationToken = default)
    {
        var log = _rooms.GetOrAdd(message.RoomId, _ => new RoomLog());
        lock (log)
        {
            if (log.ByClientId.TryGetValue((message.SenderId, message.ClientMsgId), out var seq))
            {
                return Task.FromResult(new AppendResult(AppendOutcome.Duplicate, log.Messages[(int)seq - 1]));
            }

            if (message.Seq != log.Messages.Count + 1)
            {
                // Seqs are dense, so anything but the next one is either taken or would leave a gap.
                return Task.FromResult(new AppendResult(message.Seq <= log.Messages.Count ? AppendOutcome.SeqTaken : throw Gap(message), null));
            }

            log.Messages.Add(message);
            log.ByClientId[(message.SenderId, message.ClientMsgId)] = message.Seq;
            return Task.FromResult(new AppendResult(AppendOutcome.Stored, message));
        }
    }

    public Task<long> GetLastSeqAsync(string roomId, CancellationToken cancellationToken = default)
    {
        if (!_rooms.TryGetValue(roomId, out var log))
        {
            return Task.FromResult(0L);
        }

        lock (log)
        {
            return Task.FromResult((long)log.Messages.Count);
        }
    }

    public Task<IReadOnlyList<ChatMessage>> GetBeforeAsync(string roomId, long beforeSeq, int limit, CancellationToken cancellationToken = default)
    {
        return Read(roomId, messages =>
        {
            var end = beforeSeq <= 0 ? messages.Count : (int)Math.Min(beforeSeq - 1, messages.Count);
            var start = Math.Max(0, end - limit);
            return messages.GetRange(start, end - start);
        });
    }

    public Task<IReadOnlyList<ChatMessage>> GetAfterAsync(string roomId, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        return Read(roomId, messages =>
        {
            var start = (int)Math.Min(Math.Max(afterSeq, 0), messages.Count);
            return messages.GetRange(start, Math.Min(limit, messages.Count - start));
        });
    }

    public Task<ChatMessage?> GetAsync(string roomId, long seq, CancellationToken cancellationToken = default)
    {
        if (!_rooms.TryGetValue(roomId, out var log))
        {
            return Task.FromResult<ChatMessage?>(null);
        }

        lock (log)
        {
            return Task.FromResult(seq >= 1 && seq <= log.Messages.Count ? log.Messages[(int)seq - 1] : null);
        }
    }

    public Task ReplaceAsync(ChatMessage message, CancellationToken cancellationToken = default)
    {
        if (!_rooms.TryGetValue(message.RoomId, out var log))
        {
            throw new KeyNotFoundException($"room {message.RoomId} has no message {message.Seq}");
        }

        lock (log)
        {
            if (message.Seq < 1 || message.Seq > log.Messages.Count)
            {
                throw new KeyNotFoundException($"room {message.RoomId} has no message {message.Seq}");
            }

            log.Messages[(int)message.Seq - 1] = message;
        }

        return Task.CompletedTask;
    }

    public Task<bool> PingAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    private Task<IReadOnlyList<ChatMessage>> Read(string roomId, Func<List<ChatMessage>, List<ChatMessage>> read)
    {
        if (!_rooms.TryGetValue(roomId, out var log))
        {
            return Task.FromResult<IReadOnlyList<ChatMessage>>([]);
        }

        lock (log)
        {
            return Task.FromResult<IReadOnlyList<ChatMessage>>(read(log.Messages));
        }
    }

    private static InvalidOperationException Gap(ChatMessage message) =>
        new($"seq {message.Seq} of room {message.RoomId} would leave a gap");

    private sealed class RoomLog
    {
        public List<ChatMessage> Messages { get; } = [];

        public Dictionary<(string Sender, string ClientMsgId), long> ByClientId { get; } = [];
    }
}
