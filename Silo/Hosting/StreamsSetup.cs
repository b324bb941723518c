using Microsoft.Extensions.Configuration;
using Orleans.Hosting;

namespace Orleans.Chat.Silo.Hosting;

/// <summary>The stream provider that carries room events: memory streams on the embedded node.</summary>
internal static class StreamsSetup
{
    public static void Configure(ISiloBuilder silo, IConfiguration configuration)
    {
        silo.AddMemoryStreams(ChatNames.StreamProvider);
    }
}
