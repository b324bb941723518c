using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansChat.Silo.Streaming.Local;

/// <summary>The events of one publish on one stream, numbered by its queue when it was queued.</summary>
[GenerateSerializer, Immutable, Alias("chat.LocalBatchContainer")]
public sealed class LocalBatchContainer(StreamId streamId, List<object> events, Dictionary<string, object>? requestContext, long sequence) : IBatchContainer
{
    [Id(0)]
    public StreamId StreamId { get; } = streamId;

    [Id(1)]
    public List<object> Events { get; } = events;

    [Id(2)]
    public Dictionary<string, object>? RequestContext { get; } = requestContext;

    [Id(3)]
    public long Sequence { get; } = sequence;

    public StreamSequenceToken SequenceToken => new EventSequenceTokenV2(Sequence);

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() =>
        Events.OfType<T>().Select((e, i) => Tuple.Create<T, StreamSequenceToken>(e, new EventSequenceTokenV2(Sequence, i)));

    public bool ImportRequestContext()
    {
        if (RequestContext is null)
        {
            return false;
        }

        RequestContextExtensions.Import(RequestContext);
        return true;
    }

    public override string ToString() => $"LocalBatchContainer({StreamId}, {Events.Count} events, #{Sequence})";
}
