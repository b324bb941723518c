using System.Diagnostics;
using System.Globalization;
using OrleansChat.Bench.Load;
using OrleansChat.Bench.Reporting;

namespace OrleansChat.Bench.Coordination;

/// <summary>
/// Runs one scenario: starts the worker processes, samples them and the watched processes every
/// second, steps the load, judges each step and writes the results.
/// </summary>
public sealed partial class Coordinator(BenchOptions options, string[] args)
{
    public const string ServerGroup = "server";
    public const string GeneratorGroup = "generator";
    private readonly ProcSampler _sampler = new();
    private readonly Aggregator _aggregator = new(options.Workers);
    private readonly Stopwatch _clock = new();
    private readonly List<TimelineRow> _timeline = [];
    private readonly List<StepResult> _steps = [];
    private readonly List<WorkerProcess> _workers = [];
    private volatile string _phase = "connect";
    private double _idleServerCores;

    public async Task<RunResult> RunAsync()
    {
        foreach (var (group, pids) in options.Watch)
        {
            _sampler.Watch(group, pids.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)));
        }

        var started = DateTime.UtcNow;
        var idle = _sampler.Sample();
        var runId = options.RunId.Length > 0 ? options.RunId : $"b{started:HHmmss}{Random.Shared.Next(1000):000}";
        var workerArgs = args.Concat(["--RunId", runId]).ToArray();
        for (var i = 0; i < options.Workers; i++)
        {
            _workers.Add(new WorkerProcess(i, workerArgs, _aggregator.OnStat));
        }

        _sampler.Watch(GeneratorGroup, _workers.Select(w => w.Pid).Append(Environment.ProcessId));
        _clock.Start();
        var connectStart = Now();
        using var ticking = new CancellationTokenSource();
        var ticker = TickAsync(connectStart, ticking.Token);
        try
        {
            // Generous: a loaded server connects far slower than the asked rate, and that is a result too.
            var connectBudget = TimeSpan.FromSeconds(options.Clients / (double)options.ConnectRate * 4 + 120);
            var ready = Task.WhenAll(_workers.Select(w => w.Ready));
            var inTime = await Task.WhenAny(ready, Task.Delay(connectBudget)) == ready;
            var connect = StepMath.Measure(inTime ? "connect" : "connect (timed out)", 0, connectStart, Now(), _aggregator.TakeWindow(), 0, null);
            _steps.Add(connect);
            Console.WriteLine(Progress.DescribeStep(connect));
            if (inTime)
            {
                await ready;
                await RunScenarioAsync();
            }
        }
        finally
        {
            _phase = "stop";
            await Task.WhenAll(_workers.Select(w => w.DisposeAsync().AsTask()));
            await ticking.CancelAsync();
            await ticker.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        return BuildResult(started, idle);
    }

    private async Task RunScenarioAsync()
    {
        if (options.Scenario != Scenario.Ramp)
        {
            // Joins leave work behind them (events, subscriptions, state writes) for seconds after the
            // last one returns; measured idle must not include it.
            _phase = "settle";
            await Task.Delay(TimeSpan.FromSeconds(options.SettleSeconds));

            // Connected and silent: the servers' background cost, subtracted to give the marginal cost per delivery.
            var idle = await MeasureAsync("idle", 0, Math.Min(5, options.StepSeconds), fanout: 0, judge: false, warmup: false);
            _idleServerCores = idle.CpuCores.GetValueOrDefault(ServerGroup);
        }

        switch (options.Scenario)
        {
            case Scenario.Ramp:
                await MeasureAsync("hold", 0, options.HoldSeconds, fanout: 0, judge: false);
                break;
            case Scenario.Fanout:
            case Scenario.Dm:
                var fanout = options.Scenario == Scenario.Dm ? 2 : options.RoomSize;
                foreach (var rate in options.RateSteps)
                {
                    await BroadcastAsync(string.Create(CultureInfo.InvariantCulture, $"rate {rate}"));
                    var step = await MeasureAsync(string.Create(CultureInfo.InvariantCulture, $"rate {rate}/s"), rate, options.StepSeconds, fanout, judge: true);
                    if (!step.Passed && options.StopAtLimit)
                    {
                        break;
                    }
                }

                await BroadcastAsync("rate 0");
                break;
            case Scenario.Reconnect:
                var steady = options.RateSteps[0];
                await BroadcastAsync(string.Create(CultureInfo.InvariantCulture, $"rate {steady}"));
                await MeasureAsync("before drop", steady, options.StepSeconds, options.RoomSize, judge: true);
                await BroadcastAsync(string.Create(CultureInfo.InvariantCulture, $"drop {options.DropPercent}"));
                await MeasureAsync("drop + reconnect", steady, options.StepSeconds, options.RoomSize, judge: false, warmup: false);
                await MeasureAsync("after reconnect", steady, options.StepSeconds, options.RoomSize, judge: true);
                await BroadcastAsync("rate 0");
                break;
        }

        // Let the last acks and deliveries land so the final counts are complete.
        _phase = "drain";
        await Task.Delay(TimeSpan.FromSeconds(2));
    }

    private Task BroadcastAsync(string command) => Task.WhenAll(_workers.Select(w => w.SendAsync(command)));

    private async Task<StepResult> MeasureAsync(string label, double rate, int seconds, int fanout, bool judge, bool warmup = true)
    {
        _phase = label;
        if (warmup && options.WarmupSeconds > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds));
        }

        var start = Now();
        _aggregator.TakeWindow();
        await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, seconds - (warmup ? options.WarmupSeconds : 0))));
        var end = Now();
        var step = StepMath.Measure(label, rate, start, end, _aggregator.TakeWindow(), fanout, judge ? options : null, _idleServerCores);
        _steps.Add(step);
        Console.WriteLine(Progress.DescribeStep(step));
        return step;
    }

    private Snapshot Now() => _aggregator.Take(_clock.Elapsed.TotalSeconds, _sampler.Sample());

    private async Task TickAsync(Snapshot previous, CancellationToken cancellation)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(cancellation).AsTask().ContinueWith(t => !t.IsCanceled && t.Result, TaskScheduler.Default))
        {
            var now = Now();
            var row = StepMath.Row(_phase, previous, now, _aggregator.TakeSecond());
            _timeline.Add(row);
            previous = now;
            Console.WriteLine(Progress.DescribeRow(row, now));
        }
    }

    private RunResult BuildResult(DateTime started, Dictionary<string, GroupSample> idle)
    {
        var final = Now();
        var held = _steps.Count > 0 ? _steps.Max(s => s.Connected) : final.Connected;
        var bytesPerConnection = new Dictionary<string, double>();
        // Memory growth is read at the end of the first measured step after connecting (the hold of a ramp).
        var hold = _steps.Skip(1).FirstOrDefault();
        foreach (var (group, sample) in idle)
        {
            if (hold is not null && hold.RssMb.TryGetValue(group, out var mb) && StepMath.BytesPerConnection(sample.RssBytes, mb, held) is { } bytes)
            {
                bytesPerConnection[group] = bytes;
            }
        }

        var settings = new Dictionary<string, string>
        {
            ["url"] = options.Url,
            ["clients"] = options.Clients.ToString(CultureInfo.InvariantCulture),
            ["roomSize"] = options.RoomSize.ToString(CultureInfo.InvariantCulture),
            ["rates"] = options.Rates,
            ["stepSeconds"] = options.StepSeconds.ToString(CultureInfo.InvariantCulture),
            ["workers"] = options.Workers.ToString(CultureInfo.InvariantCulture),
            ["payloadBytes"] = options.PayloadBytes.ToString(CultureInfo.InvariantCulture),
            ["dropPercent"] = options.DropPercent.ToString(CultureInfo.InvariantCulture),
            ["maxP99Ms"] = options.MaxP99Ms.ToString(CultureInfo.InvariantCulture),
        };
        return new RunResult(options.RunName, options.Target.ToString(), options.Scenario.ToString(), started.ToString("u", CultureInfo.InvariantCulture),
            Environment.GetEnvironmentVariable("BENCH_COMMIT") ?? "unknown", MachineFacts.Read(), settings,
            held, final[Counter.ConnectFailed], bytesPerConnection, _steps, _timeline);
    }
}
