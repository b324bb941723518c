using System.Reflection;
using System.Text.RegularExpressions;
using OrleansChat.Silo.Options;

namespace OrleansChat.Tests.Storage;

/// <summary>The MongoDB settings table of docs/storage.md is checked against the options class, so the two cannot drift.</summary>
public sealed partial class StorageDocsTests
{
    [Fact]
    public void Every_mongo_setting_is_documented_with_its_default_and_nothing_else_is()
    {
        var options = new ChatMongoOptions();
        var properties = typeof(ChatMongoOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .ToDictionary(p => p.Name, p => p.GetValue(options));

        var documented = SettingRow().Matches(File.ReadAllText(DocPath()))
            .ToDictionary(m => m.Groups["key"].Value, m => m.Groups["default"].Value);

        Assert.Equal(properties.Keys.Order(), documented.Keys.Order());
        foreach (var (key, value) in properties)
        {
            Assert.Equal(Describe(value), documented[key]);
        }
    }

    /// <summary>How the doc writes a default: strings in backticks, booleans lower-case, times in seconds.</summary>
    private static string Describe(object? value) => value switch
    {
        string text => $"`{text}`",
        bool flag => flag ? "`true`" : "`false`",
        TimeSpan time => $"{time.TotalSeconds:0} s",
        _ => $"{value}",
    };

    private static string DocPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "docs", "storage.md");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("docs/storage.md not found above the test output folder");
    }

    /// <summary>Rows of the Chat:Mongo table: <c>| `Key` | default | meaning |</c>.</summary>
    [GeneratedRegex(@"^\| `(?<key>[A-Za-z]+)` \| (?<default>[^|]+?) \| [^|]+\|$", RegexOptions.Multiline)]
    private static partial Regex SettingRow();
}
