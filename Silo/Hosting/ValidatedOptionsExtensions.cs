using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OrleansChat.Silo.Hosting;

/// <summary>The one way the product binds a settings section: bound lazily, checked when the host starts.</summary>
public static class ValidatedOptionsExtensions
{
    /// <summary>
    /// Binds <paramref name="section"/> to <typeparamref name="TOptions"/> and checks it with
    /// <typeparamref name="TValidator"/> before the host starts, so a wrong value stops the node
    /// with a message that names its configuration key.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(
        this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
    }
}
