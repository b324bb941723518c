namespace OrleansChat.Bench.Coordination;

/// <summary>CPU time and resident memory of a process group, summed, as /proc reports them.</summary>
public readonly record struct GroupSample(double CpuMicros, long RssBytes);

/// <summary>
/// Reads /proc/PID/stat (utime + stime) and /proc/PID/statm (resident pages) for named groups of
/// processes. A process that has exited adds nothing; its last CPU time is kept so totals never fall.
/// </summary>
public sealed class ProcSampler
{
    private const double MicrosPerTick = 10_000; // USER_HZ is 100 on Linux
    private const long PageBytes = 4096;
    private readonly Dictionary<string, List<int>> _groups = [];
    private readonly Dictionary<int, double> _lastCpu = [];

    public void Watch(string group, IEnumerable<int> pids)
    {
        if (!_groups.TryGetValue(group, out var list))
        {
            _groups[group] = list = [];
        }

        list.AddRange(pids);
    }

    public IReadOnlyCollection<string> Groups => _groups.Keys;

    public Dictionary<string, GroupSample> Sample()
    {
        var result = new Dictionary<string, GroupSample>();
        foreach (var (group, pids) in _groups)
        {
            double cpu = 0;
            long rss = 0;
            foreach (var pid in pids)
            {
                var (processCpu, processRss) = Read(pid);
                cpu += processCpu;
                rss += processRss;
            }

            result[group] = new GroupSample(cpu, rss);
        }

        return result;
    }

    private (double Cpu, long Rss) Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name may contain spaces; fields are counted after its closing parenthesis.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var cpu = (long.Parse(fields[11]) + long.Parse(fields[12])) * MicrosPerTick;
            var rss = long.Parse(File.ReadAllText($"/proc/{pid}/statm").Split(' ')[1]) * PageBytes;
            _lastCpu[pid] = cpu;
            return (cpu, rss);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (_lastCpu.GetValueOrDefault(pid), 0);
        }
    }
}
