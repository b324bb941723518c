using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Silo.Persistence.Redis;
using OrleansChat.Storage;

namespace Orleans.Hosting;

/// <summary>Registers the Redis message store as this silo's <see cref="IMessageStore"/>.</summary>
public static class RedisMessageStoreExtensions
{
    public static ISiloBuilder AddRedisMessageStore(this ISiloBuilder builder, Action<RedisMessageStoreOptions> configure) =>
        builder.AddRedisMessageStore(ob => ob.Configure(configure));

    /// <summary>The one registration every overload ends in.</summary>
    public static ISiloBuilder AddRedisMessageStore(this ISiloBuilder builder, Action<OptionsBuilder<RedisMessageStoreOptions>> configure)
    {
        var services = builder.Services;
        configure(services.AddOptions<RedisMessageStoreOptions>().ValidateOnStart());
        services.AddSingleton<IValidateOptions<RedisMessageStoreOptions>, RedisMessageStoreOptionsValidator>();
        services.TryAddSingleton(sp => new RedisConnection(sp.GetRequiredService<IOptions<RedisMessageStoreOptions>>().Value.ConnectionString));
        services.AddSingleton<IMessageStore>(sp => new RedisMessageStore(
            sp.GetRequiredService<RedisConnection>(),
            new RedisMessageKeys(sp.GetRequiredService<IOptions<RedisMessageStoreOptions>>().Value.KeyPrefix),
            sp.GetRequiredService<ILogger<RedisMessageStore>>()));
        return builder;
    }
}
