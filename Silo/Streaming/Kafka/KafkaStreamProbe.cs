using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansChat.Silo.Streaming.Kafka;

/// <summary>
/// Health probe of a Kafka stream provider: a cluster metadata request (no topic named, so none is
/// auto-created) must be answered within <see cref="Timeout"/>. librdkafka's metadata call blocks,
/// so it runs on a pool thread, and callers that arrive while one is in flight share its answer
/// rather than starting more. The admin client is made on first use and disposed with the probe,
/// by whichever of the two finishes last.
/// </summary>
internal sealed partial class KafkaStreamProbe(string name, IOptionsMonitor<KafkaStreamOptions> options, ILogger<KafkaStreamProbe> logger) : IStreamProbe, IDisposable
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private IAdminClient? _admin;
    private Task<bool>? _inFlight;
    private bool _probing;
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
            if (_disposed)
            {
                return false;
            }

            admin = _admin ??= new AdminClientBuilder(KafkaClientConfig.Admin(options.Get(name), $"{name}-health"))
                .SetLogHandler((_, m) => LogClientMessage(logger, m.Level.ToString(), m.Message))
                .SetErrorHandler((_, e) => LogClientError(logger, e.Code, e.Reason))
                .Build();
            _probing = true;
        }

        try
        {
            return admin.GetMetadata(Timeout).Brokers.Count > 0;
        }
        finally
        {
            lock (_lock)
            {
                _probing = false;
                if (_disposed)
                {
                    DisposeAdmin();
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            if (!_probing)
            {
                DisposeAdmin();
            }
        }
    }

    private void DisposeAdmin()
    {
        _admin?.Dispose();
        _admin = null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kafka health probe client ({Level}): {Message}")]
    private static partial void LogClientMessage(ILogger logger, string level, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kafka health probe client error {Code}: {Reason}")]
    private static partial void LogClientError(ILogger logger, Confluent.Kafka.ErrorCode code, string reason);
}
