namespace OrleansChat.Bench;

public enum Scenario
{
    /// <summary>Connect <see cref="BenchOptions.Clients"/> clients, hold them with keep-alives.</summary>
    Ramp,

    /// <summary>Rooms of <see cref="BenchOptions.RoomSize"/>, every member sending; the rate steps up until latency or delivery gives.</summary>
    Fanout,

    /// <summary>Pairs of users sending each other direct messages, stepped like fan-out.</summary>
    Dm,

    /// <summary>Steady room traffic; then a share of clients drops and reconnects at once, each resuming its room.</summary>
    Reconnect,
}

public enum Target
{
    /// <summary>Orleans.Chat: SignalR JSON hub protocol with dev tokens.</summary>
    Orleans,

    /// <summary>The seed's stack: Socket.IO 4 (Engine.IO v4 over WebSocket).</summary>
    SocketIo,
}

/// <summary>Command-line options (<c>--Name value</c>). Every default suits a small run on one machine.</summary>
public sealed class BenchOptions
{
    /// <summary>Server family. Default Orleans.</summary>
    public Target Target { get; set; } = Target.Orleans;

    /// <summary>Base URL: nginx in front of the nodes, or one node. Default http://127.0.0.1:4480.</summary>
    public string Url { get; set; } = "http://127.0.0.1:4480";

    /// <summary>Hub path on Orleans.Chat nodes. Default /hubs/chat.</summary>
    public string HubPath { get; set; } = "/hubs/chat";

    /// <summary>What to run. Default Fanout.</summary>
    public Scenario Scenario { get; set; } = Scenario.Fanout;

    /// <summary>Simulated users, one WebSocket each. Default 1000.</summary>
    public int Clients { get; set; } = 1000;

    /// <summary>Members per room (fan-out, reconnect). Default 10.</summary>
    public int RoomSize { get; set; } = 10;

    /// <summary>Mean messages per second per client, one entry per step; each send waits 0.33–1.67× the mean interval. Default "0.83" (one message every 0.4–2 s).</summary>
    public string Rates { get; set; } = "0.83";

    /// <summary>Seconds per rate step (reconnect: steady time before and after the drop). Default 20.</summary>
    public int StepSeconds { get; set; } = 20;

    /// <summary>Seconds at the start of each step left out of its figures. Default 3.</summary>
    public int WarmupSeconds { get; set; } = 3;

    /// <summary>Seconds between the last join and the idle window, for the servers to finish the joins' own work. Default 20.</summary>
    public int SettleSeconds { get; set; } = 20;

    /// <summary>Seconds to hold the connections in the ramp scenario. Default 30.</summary>
    public int HoldSeconds { get; set; } = 30;

    /// <summary>New connections per second across all workers. Default 1000.</summary>
    public int ConnectRate { get; set; } = 1000;

    /// <summary>Generator processes (each stays far below the 20000-fd limit). Default 2.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>Share of clients dropped at once in the reconnect scenario, in percent. Default 30.</summary>
    public int DropPercent { get; set; } = 30;

    /// <summary>Bytes of message text. Default 64.</summary>
    public int PayloadBytes { get; set; } = 64;

    /// <summary>A step passes while send→deliver p99 stays at or below this. Default 100 ms.</summary>
    public double MaxP99Ms { get; set; } = 100;

    /// <summary>A step passes while deliveries reach this share of what acknowledged sends imply. Default 0.95.</summary>
    public double MinDeliveryRatio { get; set; } = 0.95;

    /// <summary>Stop stepping at the first step over the bounds. False runs every step (to read CPU cost per delivery past the limit). Default true.</summary>
    public bool StopAtLimit { get; set; } = true;

    /// <summary>Bind each client socket to a 127.100.S.H source address so ip_hash spreads them. Default true.</summary>
    public bool BindSources { get; set; } = true;

    /// <summary>Seconds a join, resume or open may take. Default 30.</summary>
    public int CallTimeoutSeconds { get; set; } = 30;

    /// <summary>Processes to measure, by group: <c>--Watch:server 12,13 --Watch:nginx 20</c>. Group "server" is what µs per delivery divides.</summary>
    public Dictionary<string, string> Watch { get; set; } = [];

    /// <summary>Directory for JSON, Markdown and the timeline. Default bench/results/tmp.</summary>
    public string Out { get; set; } = "bench/results/tmp";

    /// <summary>Name of this run's files. Default the target and scenario.</summary>
    public string Name { get; set; } = "";

    /// <summary>Internal: set on worker processes.</summary>
    public int WorkerIndex { get; set; } = -1;

    /// <summary>Internal: shared by the workers of one run so user and room names are fresh.</summary>
    public string RunId { get; set; } = "";

    public double[] RateSteps => Rates.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(r => double.Parse(r, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    public string RunName => Name.Length > 0 ? Name : $"{Target.ToString().ToLowerInvariant()}-{Scenario.ToString().ToLowerInvariant()}";

    /// <summary>Fails fast naming the option that is wrong.</summary>
    public void Validate()
    {
        if (Clients < 2) throw new ArgumentException("--Clients must be at least 2");
        if (RoomSize < 2) throw new ArgumentException("--RoomSize must be at least 2");
        if (Workers < 1 || Clients / Workers > 18_000) throw new ArgumentException("--Workers must be at least 1 and leave at most 18000 clients per worker");
        if (RateSteps.Length == 0 || RateSteps.Any(r => r < 0)) throw new ArgumentException("--Rates must list non-negative rates");
        if (PayloadBytes is < 40 or > 3900) throw new ArgumentException("--PayloadBytes must be 40..3900");
        if (DropPercent is < 1 or > 100) throw new ArgumentException("--DropPercent must be 1..100");
        if (!Uri.TryCreate(Url, UriKind.Absolute, out _)) throw new ArgumentException("--Url must be an absolute URL");
    }
}
