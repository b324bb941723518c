using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace OrleansChat.Tests.Cluster.Infrastructure;

/// <summary>
/// What a store outage looks like from outside: new visitors loading the page and connecting
/// through nginx while it lasts, sends acknowledged again after it, and the words of every refusal.
/// Shared by <c>StoreOutageTests</c> (CI) and the store mode of <c>ChaosTests</c> (scripts/chaos.sh -x store).
/// </summary>
public static partial class OutageVisits
{
    /// <summary>Page loads (every 250 ms) and, at the end, one fresh connection through nginx from each address until <paramref name="until"/>.</summary>
    public static async Task<(int PageLoads, List<ChattingUser> Users, List<string> Failures)> VisitAsync(ChatCluster cluster, IEnumerable<IPAddress> addresses, Stopwatch clock, TimeSpan until)
    {
        var failures = new List<string>();
        var users = new List<ChattingUser>();
        var pageLoads = 0;
        var clients = addresses.Select(a => (Address: a, Http: new HttpClient(BoundSockets.Handler(a)) { Timeout = TimeSpan.FromSeconds(5) })).ToList();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        do
        {
            foreach (var (address, http) in clients)
            {
                var (status, body) = await GetAsync(http, $"{cluster.Url}/");
                pageLoads++;
                if (status != HttpStatusCode.OK)
                {
                    failures.Add($"GET / from {address}: {(int)status} {body[..Math.Min(body.Length, 80)]}");
                }
            }
        }
        while (clock.Elapsed < until && await tick.WaitForNextTickAsync());

        foreach (var (address, http) in clients)
        {
            try
            {
                users.Add(await ChattingUser.ConnectAsync(cluster.Url, Tests.Infrastructure.TestIds.User("newcomer"), address, clock));
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException or IOException or InvalidOperationException)
            {
                failures.Add($"connect from {address}: {ex.GetType().Name}: {ex.Message}");
            }

            http.Dispose();
        }

        return (pageLoads, users, failures);
    }

    /// <summary>When the room's first send after <paramref name="after"/> was acknowledged, if one was.</summary>
    public static TimeSpan? FirstAckAfter(ChatTraffic traffic, string room, TimeSpan after) =>
        traffic.Users.SelectMany(u => u.AckTimes).Where(a => a.Room == room && a.At > after).Select(a => (TimeSpan?)a.At).Min();

    /// <summary>Status and body; nothing answering at all (refused, timed out) reads as 0.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient http, string url)
    {
        try
        {
            using var response = await http.GetAsync(url);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return (0, ex.Message);
        }
    }

    /// <summary>Whether a refusal as the official client reports it names its cause and when to retry.</summary>
    public static bool IsNamed(string refusal) => NamedCause().IsMatch(refusal);

    /// <summary>The named cause of a refusal ("message store unavailable"), or the refusal itself.</summary>
    public static string Cause(string refusal) => NamedCause().Match(refusal) is { Success: true } m ? m.Groups["cause"].Value : refusal;

    /// <summary>The hub's words for a service failure, as the official client reports them, or a rate limit.</summary>
    [GeneratedRegex(@"HubException: (\w+: (?<cause>message store unavailable|room and user state store unavailable|cluster membership unavailable|no answer from the cluster in time|the node holding this room or user is leaving or restarting)|(?<cause>rate limit exceeded)), retry in \d+(\.\d)? s")]
    private static partial Regex NamedCause();
}
