using System.Reflection;
using System.Runtime.InteropServices;

namespace OrleansChat.Tests.Kafka;

/// <summary>
/// librdkafka's mock cluster (three brokers speaking the real protocol on loopback ports), created
/// through the native library Confluent.Kafka ships. Tests own it: they create topics with exact
/// partition counts and take brokers down and up to play an unreachable Kafka.
/// </summary>
public sealed class KafkaMockCluster : IDisposable
{
    private const string Library = "rdkafka";
    private const int BrokerCount = 3;
    private static readonly object ResolverLock = new();
    private static bool _resolverSet;
    private IntPtr _client;
    private IntPtr _cluster;

    public KafkaMockCluster()
    {
        EnsureResolver();
        var errors = new byte[512];
        // The mock lives inside a client handle; a producer handle with no brokers of its own will do.
        _client = rd_kafka_new(0, rd_kafka_conf_new(), errors, (UIntPtr)errors.Length);
        if (_client == IntPtr.Zero)
        {
            throw new InvalidOperationException($"librdkafka refused to create a client: {System.Text.Encoding.UTF8.GetString(errors).TrimEnd('\0')}");
        }

        _cluster = rd_kafka_mock_cluster_new(_client, BrokerCount);
        if (_cluster == IntPtr.Zero)
        {
            throw new InvalidOperationException("librdkafka could not start a mock cluster");
        }

        BootstrapServers = Marshal.PtrToStringUTF8(rd_kafka_mock_cluster_bootstraps(_cluster))
            ?? throw new InvalidOperationException("the mock cluster reported no bootstrap servers");
    }

    public string BootstrapServers { get; }

    /// <summary>A topic with exactly <paramref name="partitions"/> partitions (the broker would auto-create 4).</summary>
    public void CreateTopic(string topic, int partitions)
    {
        var error = rd_kafka_mock_topic_create(_cluster, topic, partitions, BrokerCount);
        if (error != 0)
        {
            throw new InvalidOperationException($"mock topic {topic} not created: librdkafka error {error}");
        }
    }

    /// <summary>Every broker refuses connections: Kafka is unreachable.</summary>
    public void StopBrokers() => ForEachBroker(rd_kafka_mock_broker_set_down);

    public void StartBrokers() => ForEachBroker(rd_kafka_mock_broker_set_up);

    public void Dispose()
    {
        if (_cluster != IntPtr.Zero)
        {
            rd_kafka_mock_cluster_destroy(_cluster);
            _cluster = IntPtr.Zero;
        }

        if (_client != IntPtr.Zero)
        {
            rd_kafka_destroy(_client);
            _client = IntPtr.Zero;
        }
    }

    private void ForEachBroker(Func<IntPtr, int, int> change)
    {
        for (var broker = 1; broker <= BrokerCount; broker++)
        {
            var error = change(_cluster, broker);
            if (error != 0)
            {
                throw new InvalidOperationException($"mock broker {broker}: librdkafka error {error}");
            }
        }
    }

    /// <summary>Loads the very file Confluent.Kafka uses (on Debian 12 its centos8 build), so both see one library.</summary>
    private static void EnsureResolver()
    {
        lock (ResolverLock)
        {
            if (_resolverSet)
            {
                return;
            }

            NativeLibrary.SetDllImportResolver(typeof(KafkaMockCluster).Assembly, Resolve);
            _resolverSet = true;
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library)
        {
            return IntPtr.Zero;
        }

        var native = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        foreach (var file in new[] { "centos8-librdkafka.so", "librdkafka.so" })
        {
            if (NativeLibrary.TryLoad(Path.Combine(native, file), out var handle))
            {
                return handle;
            }
        }

        throw new DllNotFoundException($"no loadable librdkafka under {native}");
    }

    [DllImport(Library)]
    private static extern IntPtr rd_kafka_conf_new();

    [DllImport(Library)]
    private static extern IntPtr rd_kafka_new(int type, IntPtr conf, byte[] errstr, UIntPtr errstrSize);

    [DllImport(Library)]
    private static extern void rd_kafka_destroy(IntPtr rk);

    [DllImport(Library)]
    private static extern IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [DllImport(Library)]
    private static extern void rd_kafka_mock_cluster_destroy(IntPtr cluster);

    [DllImport(Library)]
    private static extern IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr cluster);

    [DllImport(Library)]
    private static extern int rd_kafka_mock_topic_create(IntPtr cluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string topic, int partitions, int replicationFactor);

    [DllImport(Library)]
    private static extern int rd_kafka_mock_broker_set_down(IntPtr cluster, int brokerId);

    [DllImport(Library)]
    private static extern int rd_kafka_mock_broker_set_up(IntPtr cluster, int brokerId);
}
