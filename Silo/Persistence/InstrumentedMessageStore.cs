using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Messages;
using OrleansChat.Storage;
using OrleansChat.Telemetry;

namespace OrleansChat.Silo.Persistence;

/// <summary>
/// Times every call of whichever message store runs and opens a span for it, so store latency and
/// errors read the same for Memory, Redis and MongoDB. A refused append (duplicate, seq taken) is an
/// answer, not an error; only exceptions count as failed.
/// </summary>
internal sealed class InstrumentedMessageStore(IMessageStore inner) : IMessageStore
{
    private static readonly Histogram<double> Duration = ChatTelemetry.SecondsHistogram(ChatMetricNames.StoreDuration, "Message store calls");

    public Task<AppendResult> AppendAsync(ChatMessage message, CancellationToken cancellationToken = default) =>
        TimeAsync("append", "chat.store.append", message.RoomId, () => inner.AppendAsync(message, cancellationToken));

    public Task<long> GetLastSeqAsync(string roomId, CancellationToken cancellationToken = default) =>
        TimeAsync("last_seq", "chat.store.last_seq", roomId, () => inner.GetLastSeqAsync(roomId, cancellationToken));

    public Task<IReadOnlyList<ChatMessage>> GetBeforeAsync(string roomId, long beforeSeq, int limit, CancellationToken cancellationToken = default) =>
        TimeAsync("get_before", "chat.store.get_before", roomId, () => inner.GetBeforeAsync(roomId, beforeSeq, limit, cancellationToken));

    public Task<IReadOnlyList<ChatMessage>> GetAfterAsync(string roomId, long afterSeq, int limit, CancellationToken cancellationToken = default) =>
        TimeAsync("get_after", "chat.store.get_after", roomId, () => inner.GetAfterAsync(roomId, afterSeq, limit, cancellationToken));

    public Task<ChatMessage?> GetAsync(string roomId, long seq, CancellationToken cancellationToken = default) =>
        TimeAsync("get", "chat.store.get", roomId, () => inner.GetAsync(roomId, seq, cancellationToken));

    public Task ReplaceAsync(ChatMessage message, CancellationToken cancellationToken = default) =>
        TimeAsync("replace", "chat.store.replace", message.RoomId, async () =>
        {
            await inner.ReplaceAsync(message, cancellationToken);
            return true;
        });

    /// <summary>Health probes are not store traffic: timing them would only blur the latency of real calls.</summary>
    public Task<bool> PingAsync(CancellationToken cancellationToken = default) => inner.PingAsync(cancellationToken);

    /// <summary>Wraps the registered <see cref="IMessageStore"/>, however its provider registered it.</summary>
    public static void Decorate(IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IMessageStore))
            ?? throw new InvalidOperationException("no message store is registered");
        services.Remove(registered);
        services.AddSingleton<IMessageStore>(sp => new InstrumentedMessageStore(Resolve(sp, registered)));
    }

    private static IMessageStore Resolve(IServiceProvider services, ServiceDescriptor registered) => registered switch
    {
        { ImplementationInstance: IMessageStore instance } => instance,
        { ImplementationFactory: { } factory } => (IMessageStore)factory(services),
        { ImplementationType: { } type } => (IMessageStore)ActivatorUtilities.CreateInstance(services, type),
        _ => throw new InvalidOperationException("the message store's registration is keyed or empty"),
    };

    private static async Task<T> TimeAsync<T>(string operation, string spanName, string roomId, Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = ChatTelemetry.Source.StartActivity(spanName, ActivityKind.Client);
        activity?.SetTag("chat.room", roomId);
        var outcome = ChatMetricTags.Failed;
        try
        {
            var result = await call();
            outcome = ChatMetricTags.Ok;
            return result;
        }
        finally
        {
            if (outcome == ChatMetricTags.Failed)
            {
                activity?.SetStatus(ActivityStatusCode.Error);
            }

            Duration.Record(ChatTelemetry.SecondsSince(started),
                new KeyValuePair<string, object?>(ChatMetricTags.Operation, operation),
                new KeyValuePair<string, object?>(ChatMetricTags.Outcome, outcome));
        }
    }
}
