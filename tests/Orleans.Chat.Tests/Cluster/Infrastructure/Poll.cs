using System.Net;

namespace OrleansChat.Tests.Cluster.Infrastructure;

/// <summary>Waiting on a condition with a deadline (never a fixed sleep).</summary>
public static class Poll
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Checks <paramref name="condition"/> every 50 ms until it holds or <paramref name="timeout"/>
    /// passes. <paramref name="changed"/>, when given, hands out a task that completes when something
    /// the condition reads has changed, so the check runs again at once instead of at the next tick.
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe, Func<Task>? changed = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        using var tick = new PeriodicTimer(Every);
        Task? next = null;
        while (true)
        {
            // Taken before the check, so a change during the check is not missed.
            var wake = changed?.Invoke();
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {timeout}: {describe()}");
            }

            // A timer takes one wait at a time: a tick still pending after a wake-up is waited on again.
            if (next is null || next.IsCompleted)
            {
                next = tick.WaitForNextTickAsync().AsTask();
            }

            await (wake is null ? next : Task.WhenAny(next, wake));
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe, Func<Task>? changed = null) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, describe, changed);
}

/// <summary>Small HTTP probes for tests.</summary>
public static class Http
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(3) };

    public static async Task<bool> IsOkAsync(string url)
    {
        try
        {
            using var response = await Client.GetAsync(url);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>The status of a GET. Throws when nothing answers, so that a server that is down never passes for one that refuses.</summary>
    public static async Task<HttpStatusCode> StatusAsync(string url)
    {
        using var response = await Client.GetAsync(url);
        return response.StatusCode;
    }

    public static async Task<string?> GetStringAsync(string url)
    {
        try
        {
            return await Client.GetStringAsync(url);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
