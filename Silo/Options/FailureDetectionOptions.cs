namespace OrleansChat.Silo.Options;

/// <summary>
/// How fast the cluster declares a silo dead when it stops answering. Orleans' defaults suit a
/// cloud of many silos (a dead silo is noticed after about half a minute); a chat cluster on one
/// LAN wants rooms on a killed node serving again within seconds. Applies when
/// <see cref="ChatClusterOptions.Clustering"/> is <c>Redis</c>. Section <c>Chat:Cluster:FailureDetection</c>.
/// </summary>
public sealed class FailureDetectionOptions
{
    public const string Section = "Chat:Cluster:FailureDetection";

    /// <summary>Period between liveness probes to each other silo, and the timeout of each probe. Default 1 s (Orleans: 5 s).</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes after which a silo is suspected; the last one goes through another silo. Default 3 (Orleans: 3).</summary>
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>Votes needed to declare a silo dead (an indirect probe brings the intermediary's vote too). Default 2 (Orleans: 2).</summary>
    public int VotesForDeath { get; set; } = 2;

    /// <summary>How long a suspicion vote counts; short, so two unrelated hiccups minutes apart never add up. Default 20 s (Orleans: 2 min).</summary>
    public TimeSpan VoteExpiration { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often each silo writes its heartbeat to the membership table. Default 5 s (Orleans: 30 s).</summary>
    public TimeSpan IAmAlivePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a grain call waits for its answer; bounds a hub call stuck on a silo that just died. Default 10 s (Orleans: 30 s).</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
