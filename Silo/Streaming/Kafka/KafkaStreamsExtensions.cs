using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat;
using OrleansChat.Grains.Streaming;
using OrleansChat.Silo.Streaming;
using OrleansChat.Silo.Streaming.Kafka;
using Orleans.Configuration;

namespace Orleans.Hosting;

public static class KafkaStreamsExtensions
{
    /// <summary>Adds a persistent stream provider named <paramref name="name"/> that keeps its streams in Kafka.</summary>
    public static ISiloBuilder AddKafkaStreams(this ISiloBuilder silo, string name, Action<KafkaStreamOptions> configure) =>
        silo.AddKafkaStreams(name, options => options.Configure(configure));

    /// <summary>Adds a persistent stream provider named <paramref name="name"/> that keeps its streams in Kafka.</summary>
    public static ISiloBuilder AddKafkaStreams(this ISiloBuilder silo, string name, Action<OptionsBuilder<KafkaStreamOptions>> configure)
    {
        var options = silo.Services.AddOptions<KafkaStreamOptions>(name);
        configure(options);
        options.ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<KafkaStreamOptions>, KafkaStreamOptionsValidator>();
        if (name == ChatNames.StreamProvider)
        {
            // The chat's relay publishes a room's batch as one record here: it must fit.
            silo.Services.AddOptions<RoomEventRelayOptions>().Configure<IOptionsMonitor<KafkaStreamOptions>>(
                (relay, kafka) => relay.MaxBatchBytes = kafka.Get(name).MaxRecordBytes / 2);
        }

        silo.Services.AddSingleton<IStreamProbe>(sp => new KafkaStreamProbe(name, sp.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>(), sp.GetRequiredService<ILogger<KafkaStreamProbe>>()));

        return silo.AddPersistentStreams(name, KafkaQueueAdapterFactory.Create, stream =>
        {
            // The poll period is how long an idle partition waits before looking again; it bounds
            // the latency Kafka adds to delivery.
            stream.ConfigurePullingAgent(agent => agent.Configure<IOptionsMonitor<KafkaStreamOptions>>(
                (pulling, kafka) => pulling.GetQueueMsgsTimerPeriod = kafka.Get(name).PollPeriod));
        });
    }
}
