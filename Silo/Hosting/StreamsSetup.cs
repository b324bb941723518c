using Microsoft.Extensions.Configuration;
using OrleansChat.Silo.Options;
using OrleansChat.Silo.Streaming.Kafka;
using Orleans.Hosting;

namespace OrleansChat.Silo.Hosting;

/// <summary>
/// The stream provider that carries room events (<see cref="ChatNames.StreamProvider"/>):
/// <c>Chat:Streams:Provider</c> picks memory streams or Kafka (settings in <c>Chat:Kafka</c>).
/// </summary>
internal static class StreamsSetup
{
    public static void Configure(ISiloBuilder silo, IConfiguration configuration)
    {
        var streams = ChatSiloExtensions.Bind<StreamsOptions>(configuration, StreamsOptions.Section, null);
        switch (streams.Provider)
        {
            case StreamsProvider.Memory:
                silo.AddMemoryStreams(ChatNames.StreamProvider);
                break;
            case StreamsProvider.Kafka:
                // Bound and checked now, so a wrong setting stops the node at start with the key named.
                ChatSiloExtensions.Bind(configuration, KafkaStreamOptions.Section, new KafkaStreamOptionsValidator());
                silo.AddKafkaStreams(ChatNames.StreamProvider, (KafkaStreamOptions options) => configuration.GetSection(KafkaStreamOptions.Section).Bind(options));
                break;
        }
    }
}
