namespace OrleansChat.Silo.Streaming.Kafka;

/// <summary>Kafka did not persist or deliver an event; the message says what Kafka reported.</summary>
[GenerateSerializer, Alias("chat.KafkaStreamException")]
public sealed class KafkaStreamException : Exception
{
    public KafkaStreamException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
