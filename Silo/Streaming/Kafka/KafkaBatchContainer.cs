using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansChat.Silo.Streaming.Kafka;

/// <summary>
/// One Kafka record: the events of one publish on one stream, with the request context they were
/// published under. The sequence token is the record's offset in its partition, set when read.
/// </summary>
[GenerateSerializer, Alias("chat.KafkaBatchContainer")]
public sealed class KafkaBatchContainer : IBatchContainer
{
    public KafkaBatchContainer(StreamId streamId, List<object> events, Dictionary<string, object>? requestContext)
    {
        StreamId = streamId;
        Events = events;
        RequestContext = requestContext;
    }

    [Id(0)]
    public StreamId StreamId { get; private set; }

    [Id(1)]
    public List<object> Events { get; private set; }

    [Id(2)]
    public Dictionary<string, object>? RequestContext { get; private set; }

    [Id(3)]
    public EventSequenceTokenV2? Token { get; set; }

    /// <summary>Offset of the record in its partition; only for containers read from Kafka.</summary>
    public long Offset => Token?.SequenceNumber ?? -1;

    public StreamSequenceToken SequenceToken =>
        Token ?? throw new InvalidOperationException("a batch has a sequence token only once read from Kafka");

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        var token = Token ?? throw new InvalidOperationException("a batch has events to deliver only once read from Kafka");
        return Events.OfType<T>().Select((e, i) => Tuple.Create<T, StreamSequenceToken>(e, token.CreateSequenceTokenForEvent(i)));
    }

    public bool ImportRequestContext()
    {
        if (RequestContext is null)
        {
            return false;
        }

        RequestContextExtensions.Import(RequestContext);
        return true;
    }

    public override string ToString() => $"KafkaBatchContainer({StreamId}, {Events.Count} events, offset {Offset})";
}
