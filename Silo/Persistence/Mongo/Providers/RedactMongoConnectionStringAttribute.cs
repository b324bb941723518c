namespace OrleansChat.Silo.Persistence.Mongo;

/// <summary>Redacts the connection string when Orleans logs the options of a provider.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RedactMongoConnectionStringAttribute : RedactAttribute
{
    public override string Redact(object? value) => MongoConnectionString.Redact(value as string);
}
