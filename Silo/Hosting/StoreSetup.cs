using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Chat.Silo.Options;
using Orleans.Chat.Silo.Persistence.Memory;
using Orleans.Chat.Storage;
using Orleans.Hosting;

namespace Orleans.Chat.Silo.Hosting;

/// <summary>Grain state and message history: one setting (<c>Chat:Store:Provider</c>) picks both.</summary>
internal static class StoreSetup
{
    public static void Configure(ISiloBuilder silo, IConfiguration configuration, StoreOptions store, RedisOptions redis)
    {
        switch (store.Provider)
        {
            case StoreProvider.Memory:
                silo.AddMemoryGrainStorage(ChatNames.GrainStorage);
                silo.AddMemoryGrainStorage(ChatNames.PubSubStorage);
                silo.Services.AddSingleton<IMessageStore, MemoryMessageStore>();
                break;
            default:
                throw new OptionsValidationException(StoreOptions.Section, typeof(StoreOptions),
                    [$"{StoreOptions.Section}:Provider '{store.Provider}' is not available in this build"]);
        }
    }
}
