using MongoDB.Driver;

namespace OrleansChat.Silo.Persistence.Mongo;

/// <summary>
/// Checks MongoDB options and names the key that is wrong. The caller says how keys are spelled:
/// <c>Chat:Mongo:Database</c> for configuration, <c>MongoGrainStorageOptions.Database (grain storage 'chat')</c> for code.
/// </summary>
public static class MongoOptionsValidation
{
    public static List<string> Validate(MongoConnectionOptions options, Func<string, string> key)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add($"{key(nameof(options.ConnectionString))} must not be empty");
        }
        else if (!TryParse(options.ConnectionString, out var reason))
        {
            // The parser's own message may quote the string; name the redacted form instead.
            errors.Add($"{key(nameof(options.ConnectionString))} is not a MongoDB connection string " +
                $"('{MongoConnectionString.Redact(options.ConnectionString)}': {reason})");
        }

        if (string.IsNullOrWhiteSpace(options.Database) || options.Database.IndexOfAny(['/', '\\', '.', ' ', '"', '$']) >= 0)
        {
            errors.Add($"{key(nameof(options.Database))} must be a database name without / \\ . space \" or $ (was '{options.Database}')");
        }

        if (!IsWriteConcern(options.WriteConcern))
        {
            errors.Add($"{key(nameof(options.WriteConcern))} must be 'majority' or a number of members of at least 1 (was '{options.WriteConcern}')");
        }

        CheckPositive(errors, key(nameof(options.WriteConcernTimeout)), options.WriteConcernTimeout);
        CheckPositive(errors, key(nameof(options.ServerSelectionTimeout)), options.ServerSelectionTimeout);
        CheckPositive(errors, key(nameof(options.ConnectTimeout)), options.ConnectTimeout);
        return errors;
    }

    public static bool IsWriteConcern(string? value) =>
        string.Equals(value, MongoConnectionOptions.Majority, StringComparison.Ordinal)
        || (int.TryParse(value, out var members) && members >= 1);

    private static bool TryParse(string connectionString, out string reason)
    {
        try
        {
            _ = MongoUrl.Create(connectionString);
            reason = string.Empty;
            return true;
        }
        catch (MongoConfigurationException ex)
        {
            reason = ex.GetType().Name;
            return false;
        }
        catch (FormatException ex)
        {
            reason = ex.GetType().Name;
            return false;
        }
    }

    private static void CheckPositive(List<string> errors, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{key} must be positive (was {value})");
        }
    }
}
