using System.Reflection;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Docs;

/// <summary>The README's configuration table is checked against the options classes, so it cannot drift.</summary>
public sealed class ConfigurationDocsTests
{
    [Fact]
    public void Readme_names_every_option_of_every_options_class()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var keys = OptionKeys().ToList();

        Assert.NotEmpty(keys);
        var missing = keys.Where(key => !readme.Contains($"`{key}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "README.md's configuration table lacks: " + string.Join(", ", missing));
    }

    /// <summary>Every settable property of every class in the product assemblies that declares a configuration <c>Section</c>.</summary>
    public static IEnumerable<string> OptionKeys()
    {
        var assemblies = new[] { "Orleans.Chat.Grains", "Orleans.Chat.Silo", "Orleans.Chat.WebSocketEdge" }.Select(Assembly.Load);
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()).Where(t => t.IsClass && !t.IsAbstract))
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is not { IsLiteral: true } field
                || field.GetRawConstantValue() is not string section)
            {
                continue;
            }

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                yield return $"{section}:{property.Name}";
            }
        }
    }
}
