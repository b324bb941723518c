using System.Text.Json;

namespace OrleansChat.Tests.Deploy;

/// <summary>One instruction of a Dockerfile stage, continuation lines joined.</summary>
public sealed record DockerInstruction(string Keyword, string Arguments);

/// <summary>A stage: its base image, its name (<c>AS x</c>, or its index) and its instructions.</summary>
public sealed record DockerStage(string BaseImage, string Name, IReadOnlyList<DockerInstruction> Instructions)
{
    public IEnumerable<DockerInstruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);

    /// <summary>The exec form of ENTRYPOINT (the only form the image uses: signals reach the process).</summary>
    public IReadOnlyList<string> Entrypoint =>
        All("ENTRYPOINT").Select(i => JsonSerializer.Deserialize<string[]>(i.Arguments) ?? []).LastOrDefault() ?? [];

    public string? User => All("USER").Select(i => i.Arguments).LastOrDefault();
}

/// <summary>Just enough of the Dockerfile syntax for the instructions this repository's Dockerfile uses.</summary>
public static class Dockerfile
{
    public static IReadOnlyList<DockerStage> Parse(string text)
    {
        var stages = new List<DockerStage>();
        List<DockerInstruction>? current = null;
        string? image = null, name = null;
        foreach (var line in LogicalLines(text))
        {
            var cut = line.IndexOf(' ');
            var keyword = (cut < 0 ? line : line[..cut]).ToUpperInvariant();
            var arguments = cut < 0 ? "" : line[(cut + 1)..].Trim();
            if (keyword == "FROM")
            {
                Close();
                var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                image = words[0];
                name = words.Length == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : stages.Count.ToString();
                current = [];
                continue;
            }

            (current ?? throw new FormatException($"'{line}' comes before any FROM")).Add(new DockerInstruction(keyword, arguments));
        }

        Close();
        return stages;

        void Close()
        {
            if (current is not null && image is not null && name is not null)
            {
                stages.Add(new DockerStage(image, name, current));
            }
        }
    }

    /// <summary>Comments and blank lines dropped; a line ending in a backslash continues on the next.</summary>
    private static IEnumerable<string> LogicalLines(string text)
    {
        var pending = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (pending.Length == 0 && (line.Length == 0 || line.StartsWith('#')))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            yield return (pending + line).Trim();
            pending = "";
        }
    }
}

/// <summary>The build context's filter: the patterns of <c>.dockerignore</c> this repository uses (<c>**/dir/</c>, <c>dir/</c>, a file).</summary>
public sealed class DockerIgnore(IReadOnlyList<string> patterns)
{
    public static DockerIgnore Load(string path) => new(File.ReadAllLines(path)
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l => l.TrimEnd('/'))
        .ToList());

    public bool Excludes(string relativePath)
    {
        var path = relativePath.Replace('\\', '/');
        var segments = path.Split('/');
        foreach (var pattern in patterns)
        {
            if (pattern.StartsWith("**/", StringComparison.Ordinal))
            {
                var inner = pattern[3..];
                if (segments.Any(s => s == inner))
                {
                    return true;
                }
            }
            else if (path == pattern || path.StartsWith(pattern + "/", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
