using System.Buffers.Text;

namespace OrleansChat.Bench.Protocol;

/// <summary>What a receiver learns from one delivered message: who sent it, its place in the sender's stream and when it left.</summary>
public readonly record struct Delivery(long Seq, int Sender, long Counter, long SentTicks);

/// <summary>
/// The message text carries the benchmark's own bookkeeping, <c>sender:counter:ticks:padding</c>, so
/// the same check (latency, per-sender order, loss) works for every server, with or without a room seq.
/// </summary>
public static class Payload
{
    public static int Write(Span<byte> destination, int sender, long counter, long ticks, int length)
    {
        Utf8Formatter.TryFormat(sender, destination, out var n);
        destination[n++] = (byte)':';
        Utf8Formatter.TryFormat(counter, destination[n..], out var m);
        n += m;
        destination[n++] = (byte)':';
        Utf8Formatter.TryFormat(ticks, destination[n..], out m);
        n += m;
        destination[n++] = (byte)':';
        while (n < length)
        {
            destination[n++] = (byte)'x';
        }

        return n;
    }

    public static bool TryRead(ReadOnlySpan<byte> text, long seq, out Delivery delivery)
    {
        delivery = default;
        if (!Utf8Parser.TryParse(text, out int sender, out var a) || a >= text.Length || text[a] != ':')
        {
            return false;
        }

        text = text[(a + 1)..];
        if (!Utf8Parser.TryParse(text, out long counter, out a) || a >= text.Length || text[a] != ':')
        {
            return false;
        }

        if (!Utf8Parser.TryParse(text[(a + 1)..], out long ticks, out _))
        {
            return false;
        }

        delivery = new Delivery(seq, sender, counter, ticks);
        return true;
    }
}
