using System.Collections;
using System.ComponentModel;
using System.Reflection;
using System.Text.RegularExpressions;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Docs;

/// <summary>The README's configuration table is checked against the options classes, so it cannot drift.</summary>
public sealed partial class ConfigurationDocsTests
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

    [Fact]
    public void Readme_shows_the_default_of_every_option_as_the_code_has_it()
    {
        var rows = ReadmeRows();
        var wrong = new List<string>();
        foreach (var (key, property, defaults) in Options())
        {
            if (!rows.TryGetValue(key, out var cell))
            {
                continue; // the test above names missing keys
            }

            var value = property.GetValue(defaults);
            if (!Shows(cell, property.PropertyType, value))
            {
                wrong.Add($"{key}: README says {cell}, the code's default is '{value}'");
            }
        }

        Assert.True(wrong.Count == 0, "README.md's configuration table has wrong defaults: " + string.Join("; ", wrong));
    }

    /// <summary>Every settable property of every class in the product assemblies that declares a configuration <c>Section</c>.</summary>
    public static IEnumerable<string> OptionKeys() => Options().Select(o => o.Key);

    private static IEnumerable<(string Key, PropertyInfo Property, object Defaults)> Options()
    {
        var assemblies = new[] { "Orleans.Chat.Grains", "Orleans.Chat.Silo", "Orleans.Chat.WebSocketEdge" }.Select(Assembly.Load);
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()).Where(t => t.IsClass && !t.IsAbstract))
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is not { IsLiteral: true } field
                || field.GetRawConstantValue() is not string section)
            {
                continue;
            }

            var defaults = Activator.CreateInstance(type)!;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                yield return ($"{section}:{property.Name}", property, defaults);
            }
        }
    }

    /// <summary>Key → the table's default cell, for rows shaped <c>| `key` | default | what |</c>.</summary>
    private static Dictionary<string, string> ReadmeRows() =>
        File.ReadLines(Path.Combine(RepoPaths.Root, "README.md"))
            .Select(line => TableRow().Match(line))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups["key"].Value, m => m.Groups["default"].Value.Trim());

    /// <summary>
    /// A cell shows a default by its first value in backticks (text may follow, e.g. "`0` (off)"),
    /// or by "none" (no value, or an empty collection) or "empty" (an empty string).
    /// </summary>
    private static bool Shows(string cell, Type type, object? value)
    {
        var shown = FirstCode().Match(cell);
        if (!shown.Success)
        {
            return cell switch
            {
                "none" => value is null || value is ICollection { Count: 0 },
                "empty" => value is "",
                _ => false,
            };
        }

        var target = Nullable.GetUnderlyingType(type) ?? type;
        var parsed = TypeDescriptor.GetConverter(target).ConvertFromInvariantString(shown.Groups[1].Value);
        return Equals(parsed, value);
    }

    [GeneratedRegex(@"^\| `(?<key>Chat:[^`]+)` \| (?<default>[^|]+) \|")]
    private static partial Regex TableRow();

    [GeneratedRegex("`([^`]*)`")]
    private static partial Regex FirstCode();
}
