using System.Net;

namespace OrleansChat.Tests.Cluster.Infrastructure;

/// <summary>Waiting on a condition with a deadline (never a fixed sleep).</summary>
public static class Poll
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(50);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        using var tick = new PeriodicTimer(Every);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {timeout}: {describe()}");
            }

            await tick.WaitForNextTickAsync();
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, describe);
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
