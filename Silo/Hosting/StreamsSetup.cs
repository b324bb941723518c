using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
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
    public static void Configure(ISiloBuilder silo, IConfiguration configuration, StreamsProvider provider)
    {
        switch (provider)
        {
            case StreamsProvider.Memory:
                silo.AddSiloLocalStreams(ChatNames.StreamProvider);
                break;
            case StreamsProvider.Kafka:
                // Checked when the host starts (KafkaStreamOptionsValidator), with the key named.
                silo.AddKafkaStreams(ChatNames.StreamProvider, (OptionsBuilder<KafkaStreamOptions> ob) => ob.Bind(configuration.GetSection(KafkaStreamOptions.Section)));
                break;
        }
    }
}
