namespace OrleansChat.Tests.Kafka;

/// <summary>One mock Kafka for the Kafka tests; each test takes its own topic and consumer group.</summary>
public sealed class KafkaMockFixture : IDisposable
{
    public KafkaMockCluster Mock { get; } = new();

    public void Dispose() => Mock.Dispose();
}

[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaMockFixture>
{
    public const string Name = "kafka mock";
}
