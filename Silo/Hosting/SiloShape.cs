using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OrleansChat.Silo.Options;

namespace OrleansChat.Silo.Hosting;

/// <summary>
/// The three settings that decide which services the silo is made of: the membership, store and
/// stream providers. They are read while the host is being built, because each one adds different
/// services; every other setting is bound through options and checked when the host starts.
/// </summary>
internal sealed record SiloShape(ClusteringMode Clustering, StoreProvider Store, StreamsProvider Streams)
{
    public static SiloShape Read(IConfiguration configuration) => new(
        Choice(configuration, ChatClusterOptions.Section, nameof(ChatClusterOptions.Clustering), new ChatClusterOptions().Clustering),
        Choice(configuration, StoreOptions.Section, nameof(StoreOptions.Provider), new StoreOptions().Provider),
        Choice(configuration, StreamsOptions.Section, nameof(StreamsOptions.Provider), new StreamsOptions().Provider));

    private static T Choice<T>(IConfiguration configuration, string section, string key, T fallback)
        where T : struct, Enum
    {
        var value = configuration.GetSection(section)[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        // Names only: Enum.TryParse also takes numbers, and "7" is no provider.
        if (!int.TryParse(value, out _) && Enum.TryParse<T>(value, ignoreCase: true, out var parsed))
        {
            return parsed;
        }

        throw new OptionsValidationException(section, typeof(T),
            [$"{section}:{key} must be one of {string.Join(", ", Enum.GetNames<T>())} (was '{value}')"]);
    }
}
