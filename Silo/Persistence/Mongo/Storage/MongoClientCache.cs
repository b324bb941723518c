using System.Collections.Concurrent;
using MongoDB.Driver;

namespace OrleansChat.Silo.Persistence.Mongo;

/// <summary>
/// One <see cref="MongoClient"/> per connection: a client owns a connection pool and server
/// monitoring, so the grain storages and the message store of a process share it.
/// </summary>
public sealed class MongoClientCache : IDisposable
{
    private readonly ConcurrentDictionary<(string ConnectionString, TimeSpan ServerSelection, TimeSpan Connect), Lazy<MongoClient>> _clients = new();

    /// <summary>The database with the configured write concern applied to every write.</summary>
    public IMongoDatabase GetDatabase(MongoConnectionOptions options)
    {
        var key = (options.ConnectionString, options.ServerSelectionTimeout, options.ConnectTimeout);
        var client = _clients.GetOrAdd(key, _ => new Lazy<MongoClient>(() => new MongoClient(CreateSettings(options)))).Value;
        return client.GetDatabase(options.Database).WithWriteConcern(CreateWriteConcern(options));
    }

    public static MongoClientSettings CreateSettings(MongoConnectionOptions options)
    {
        var settings = MongoClientSettings.FromConnectionString(options.ConnectionString);
        settings.ServerSelectionTimeout = options.ServerSelectionTimeout;
        settings.ConnectTimeout = options.ConnectTimeout;
        settings.WriteConcern = CreateWriteConcern(options);
        return settings;
    }

    /// <summary>Options win over a <c>w=</c> in the connection string, so one setting decides when a write is acknowledged.</summary>
    public static WriteConcern CreateWriteConcern(MongoConnectionOptions options) =>
        int.TryParse(options.WriteConcern, out var members)
            ? new WriteConcern(members, options.WriteConcernTimeout, fsync: null, journal: options.Journal)
            : new WriteConcern(MongoConnectionOptions.Majority, options.WriteConcernTimeout, fsync: null, journal: options.Journal);

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }

        _clients.Clear();
    }
}
