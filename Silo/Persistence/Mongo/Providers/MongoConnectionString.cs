namespace OrleansChat.Silo.Persistence.Mongo;

/// <summary>
/// Makes connection strings safe to log: the password of the user-info part and the values of
/// query options that carry secrets become <c>***</c>.
/// </summary>
public static class MongoConnectionString
{
    public const string Mask = "***";

    /// <summary>Query options whose values are credentials (AWS session tokens, key file passwords).</summary>
    private static readonly string[] SecretOptions = ["authMechanismProperties", "tlsCertificateKeyFilePassword", "password"];

    public static string Redact(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            return string.Empty;
        }

        var query = connectionString.IndexOf('?');
        return query < 0
            ? RedactUserInfo(connectionString)
            : RedactUserInfo(connectionString[..query]) + "?" + RedactQuery(connectionString[(query + 1)..]);
    }

    private static string RedactUserInfo(string connectionString)
    {
        var schemeEnd = connectionString.IndexOf("://", StringComparison.Ordinal);
        var hostStart = schemeEnd < 0 ? 0 : schemeEnd + 3;

        // The user-info ends at the last '@' before the path: '@' inside a password must be
        // percent-encoded, but a careless one must not leak the rest of the password either.
        var pathStart = connectionString.IndexOf('/', hostStart);
        var searchEnd = pathStart < 0 ? connectionString.Length : pathStart;
        var at = searchEnd > hostStart ? connectionString.LastIndexOf('@', searchEnd - 1, searchEnd - hostStart) : -1;
        if (at < 0)
        {
            return connectionString;
        }

        var userInfo = connectionString[hostStart..at];
        var colon = userInfo.IndexOf(':');
        return colon < 0
            ? connectionString
            : $"{connectionString[..hostStart]}{userInfo[..colon]}:{Mask}{connectionString[at..]}";
    }

    private static string RedactQuery(string query) =>
        string.Join('&', query.Split('&').Select(pair =>
        {
            var equals = pair.IndexOf('=');
            var name = equals < 0 ? pair : pair[..equals];
            return equals >= 0 && SecretOptions.Contains(name, StringComparer.OrdinalIgnoreCase) ? $"{name}={Mask}" : pair;
        }));
}
