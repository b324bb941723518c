namespace OrleansChat.Silo.Persistence.Mongo;

/// <summary>Orleans runs this at silo start for each named MongoDB grain storage.</summary>
public sealed class MongoGrainStorageOptionsValidator(MongoGrainStorageOptions options, string name) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        var errors = MongoOptionsValidation.Validate(options, Key);
        if (string.IsNullOrWhiteSpace(options.CollectionPrefix) || options.CollectionPrefix.Contains('$'))
        {
            errors.Add($"{Key(nameof(options.CollectionPrefix))} must not be empty or contain $");
        }

        if (options.StateVersion < 1)
        {
            errors.Add($"{Key(nameof(options.StateVersion))} must be at least 1 (was {options.StateVersion})");
        }

        if (errors.Count > 0)
        {
            throw new OrleansConfigurationException(string.Join("; ", errors));
        }
    }

    private string Key(string property) => $"{nameof(MongoGrainStorageOptions)}.{property} (grain storage '{name}')";
}
