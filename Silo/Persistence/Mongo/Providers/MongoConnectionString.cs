namespace Orleans.Chat.Silo.Persistence.Mongo;

/// <summary>Makes connection strings safe to log: the password of the user-info part becomes <c>***</c>.</summary>
public static class MongoConnectionString
{
    public const string Mask = "***";

    public static string Redact(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            return string.Empty;
        }

        var schemeEnd = connectionString.IndexOf("://", StringComparison.Ordinal);
        var hostStart = schemeEnd < 0 ? 0 : schemeEnd + 3;

        // The user-info ends at the last '@' before the path: '@' inside a password must be
        // percent-encoded, but a careless one must not leak the rest of the password either.
        var pathStart = connectionString.IndexOf('/', hostStart);
        var searchEnd = pathStart < 0 ? connectionString.Length : pathStart;
        var at = connectionString.LastIndexOf('@', searchEnd - 1, searchEnd - hostStart);
        if (at < 0)
        {
            return connectionString;
        }

        var userInfo = connectionString[hostStart..at];
        var colon = userInfo.IndexOf(':');
        var user = colon < 0 ? userInfo : userInfo[..colon];
        return colon < 0
            ? connectionString
            : $"{connectionString[..hostStart]}{user}:{Mask}{connectionString[at..]}";
    }
}

/// <summary>Redacts the connection string when Orleans logs the options of a provider.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RedactMongoConnectionStringAttribute : RedactAttribute
{
    public override string Redact(object? value) => MongoConnectionString.Redact(value as string);
}
