using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Silo.Persistence.Memory;
using OrleansChat.Storage;
using Orleans.Hosting;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>The chat grains on a test silo with everything in memory; the caller adds the stream provider under test.</summary>
public static class InMemoryChatSilo
{
    public static ISiloBuilder AddChatGrainsInMemory(this ISiloBuilder silo)
    {
        silo.AddChatGrainServices();
        silo.AddMemoryGrainStorage(ChatNames.GrainStorage);
        silo.AddMemoryGrainStorage(ChatNames.PubSubStorage);
        silo.Services.AddSingleton<IMessageStore, MemoryMessageStore>();
        return silo;
    }
}
