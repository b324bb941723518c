namespace OrleansChat.Silo.Persistence.Mongo;

/// <summary>How to reach MongoDB and when a write counts as done; shared by grain storage and the message store.</summary>
public class MongoConnectionOptions
{
    /// <summary>Write concern that waits for a majority of the replica set.</summary>
    public const string Majority = "majority";

    /// <summary>MongoDB connection string. Default <c>mongodb://localhost:27017</c>. Logged only with its password redacted.</summary>
    [RedactMongoConnectionString]
    public string ConnectionString { get; set; } = "mongodb://localhost:27017";

    /// <summary>Database that holds the collections. Default <c>orleans-chat</c>.</summary>
    public string Database { get; set; } = "orleans-chat";

    /// <summary>
    /// Write concern every write waits for before it is acknowledged: <c>majority</c> or a number of
    /// members (1 or more; 0 would acknowledge unwritten data). Default <c>majority</c>.
    /// </summary>
    public string WriteConcern { get; set; } = Majority;

    /// <summary>Whether writes also wait for the on-disk journal. Default <c>true</c>.</summary>
    public bool Journal { get; set; } = true;

    /// <summary>How long a write waits for its write concern before it fails. Default 10 s.</summary>
    public TimeSpan WriteConcernTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an operation waits for a usable server (e.g. during an election). Default 10 s.</summary>
    public TimeSpan ServerSelectionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long opening a connection may take. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Copies the connection settings of <paramref name="source"/> into these options.</summary>
    public void CopyConnectionFrom(MongoConnectionOptions source)
    {
        ConnectionString = source.ConnectionString;
        Database = source.Database;
        WriteConcern = source.WriteConcern;
        Journal = source.Journal;
        WriteConcernTimeout = source.WriteConcernTimeout;
        ServerSelectionTimeout = source.ServerSelectionTimeout;
        ConnectTimeout = source.ConnectTimeout;
    }

    public override string ToString() =>
        $"{GetType().Name}(ConnectionString={MongoConnectionString.Redact(ConnectionString)}, Database={Database}, " +
        $"WriteConcern={WriteConcern}, Journal={Journal}, WriteConcernTimeout={WriteConcernTimeout}, " +
        $"ServerSelectionTimeout={ServerSelectionTimeout}, ConnectTimeout={ConnectTimeout})";
}
