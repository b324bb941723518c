using System.Collections.Concurrent;

namespace OrleansChat.Tests.Grains;

/// <summary>
/// Counts the calls each grain receives, by grain key and method, so a test can say how many grain
/// calls one request cost. Keys are unique per test, so tests sharing the cluster do not mix.
/// </summary>
public sealed class GrainCallCounter : IIncomingGrainCallFilter
{
    private static readonly ConcurrentDictionary<(string Key, string Method), int> Calls = new();

    public static int CallsTo(string grainKey, string method) => Calls.GetValueOrDefault((grainKey, method));

    /// <summary>Calls of <paramref name="method"/> to any grain whose key is one of <paramref name="grainKeys"/>.</summary>
    public static int CallsTo(IEnumerable<string> grainKeys, string method) => grainKeys.Sum(key => CallsTo(key, method));

    /// <summary>Calls of any method to the grain with this key (of any interface).</summary>
    public static int CallsToAny(string grainKey) => Calls.Where(c => c.Key.Key == grainKey).Sum(c => c.Value);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.TargetId.Key.ToString() is { } key)
        {
            Calls.AddOrUpdate((key, context.InterfaceMethod.Name), 1, (_, n) => n + 1);
        }

        return context.Invoke();
    }
}
