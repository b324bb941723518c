namespace OrleansChat.Bench.Coordination;

/// <summary>The facts about this machine that bound every figure: cores, memory, kernel, fd limit.</summary>
public static class MachineFacts
{
    public static Dictionary<string, string> Read()
    {
        var facts = new Dictionary<string, string>
        {
            ["cores"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["dotnet"] = Environment.Version.ToString(),
        };
        TryLine(facts, "cpu", "/proc/cpuinfo", "model name");
        TryLine(facts, "memory", "/proc/meminfo", "MemTotal");
        TryLine(facts, "fdLimit", "/proc/self/limits", "Max open files");
        if (File.Exists("/proc/sys/kernel/osrelease"))
        {
            facts["kernel"] = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        }

        if (File.Exists("/proc/loadavg"))
        {
            // Other work on the machine at the start of the run: the figures are only as clean as this.
            facts["loadAverage"] = string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }

        return facts;
    }

    private static void TryLine(Dictionary<string, string> facts, string key, string path, string prefix)
    {
        if (!File.Exists(path))
        {
            return;
        }

        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        if (line is not null)
        {
            var value = line[prefix.Length..].TrimStart(' ', '\t', ':');
            facts[key] = string.Join(' ', value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
    }
}
