namespace OrleansChat.Silo.Options;

/// <summary>Which stream provider carries room events. Section <c>Chat:Streams</c>.</summary>
public sealed class StreamsOptions
{
    public const string Section = "Chat:Streams";

    /// <summary>Provider behind <see cref="ChatNames.StreamProvider"/>. Default <c>Memory</c>.</summary>
    public StreamsProvider Provider { get; set; } = StreamsProvider.Memory;
}
