using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Orleans.Chat.Silo.Streaming.Kafka;

/// <summary>
/// Health probe of a Kafka stream provider: a cluster metadata request (brokers only, so it never
/// auto-creates the topic with a wrong partition count) must be answered within
/// <see cref="Timeout"/>. librdkafka's metadata call blocks, so it runs on a pool thread, and
/// callers that arrive while one is in flight share its answer rather than starting more.
/// </summary>
internal sealed class KafkaStreamProbe(string name, IOptionsMonitor<KafkaStreamOptions> options) : IStreamProbe, IDisposable
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private IAdminClient? _admin;
    private Task<bool>? _inFlight;
    private bool _disposed;

    public string Description => $"Kafka (stream provider {name})";

    public Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_inFlight is not { IsCompleted: false })
            {
                _inFlight = Task.Run(Probe, CancellationToken.None);
            }

            return _inFlight.WaitAsync(cancellationToken);
        }
    }

    private bool Probe()
    {
        IAdminClient admin;
        lock (_lock)
        {
            admin = _admin ??= new AdminClientBuilder(KafkaClientConfig.Admin(options.Get(name), $"{name}-health")).Build();
        }

        return admin.GetMetadata(Timeout).Brokers.Count > 0;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _admin?.Dispose();
            _admin = null;
        }
    }
}
