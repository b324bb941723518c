using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using OrleansChat.Silo.Options;
using OrleansChat.Silo.Persistence.Mongo;
using Orleans.Hosting;
using Orleans.Runtime;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Storage;

/// <summary>MongoDB settings: errors name the key at fault, secrets never reach a log line.</summary>
public sealed class MongoOptionsTests
{
    private const string Secret = "s3cr3t-p4ss";

    [Theory]
    [InlineData("mongodb://chat:" + Secret + "@db1:27017,db2:27017/admin?replicaSet=rs0", "mongodb://chat:***@db1:27017,db2:27017/admin?replicaSet=rs0")]
    [InlineData("mongodb+srv://chat:" + Secret + "@cluster0.example.net", "mongodb+srv://chat:***@cluster0.example.net")]
    [InlineData("mongodb://chat:p@ss@" + Secret + "@db:27017", "mongodb://chat:***@db:27017")]
    [InlineData("mongodb://chat@db:27017", "mongodb://chat@db:27017")]
    [InlineData("mongodb://db:27017/?w=majority", "mongodb://db:27017/?w=majority")]
    [InlineData("mongodb://db/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:" + Secret, "mongodb://db/?authMechanism=MONGODB-AWS&authMechanismProperties=***")]
    [InlineData("mongodb://u:" + Secret + "@db/?tls=true&tlsCertificateKeyFilePassword=" + Secret, "mongodb://u:***@db/?tls=true&tlsCertificateKeyFilePassword=***")]
    public void Connection_strings_lose_their_password_when_redacted(string connectionString, string expected)
    {
        Assert.Equal(expected, MongoConnectionString.Redact(connectionString));
    }

    [Fact]
    public void Options_print_without_the_password()
    {
        var options = new ChatMongoOptions { ConnectionString = $"mongodb://chat:{Secret}@db:27017" };

        Assert.DoesNotContain(Secret, options.ToString());
        Assert.Contains("mongodb://chat:***@db:27017", options.ToString());
        Assert.Equal("mongodb://chat:***@db:27017", new RedactMongoConnectionStringAttribute().Redact(options.ConnectionString));
    }

    [Fact]
    public void Defaults_are_valid_and_wait_for_a_journaled_majority()
    {
        var options = new ChatMongoOptions();

        Assert.True(new ChatMongoOptionsValidator().Validate(null, options).Succeeded);
        var concern = MongoClientCache.CreateWriteConcern(options);
        Assert.Equal(WriteConcern.WMajority.W, concern.W);
        Assert.True(concern.Journal);
        Assert.Equal(TimeSpan.FromSeconds(10), concern.WTimeout);
        Assert.Equal(2, MongoClientCache.CreateWriteConcern(new ChatMongoOptions { WriteConcern = "2" }).W?.ToBsonValue().AsInt32);
    }

    [Fact]
    public void Configuration_errors_name_the_key_and_hide_the_password()
    {
        var options = new ChatMongoOptions
        {
            ConnectionString = $"http://chat:{Secret}@db",
            Database = "a.b",
            WriteConcern = "0",
            WriteConcernTimeout = TimeSpan.Zero,
            MessagesCollection = "",
        };

        var result = new ChatMongoOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures?.ToList() ?? [];
        Assert.Contains(failures, f => f.StartsWith("Chat:Mongo:ConnectionString is not a MongoDB connection string", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Chat:Mongo:Database must be", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Chat:Mongo:WriteConcern must be 'majority' or a number", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Chat:Mongo:WriteConcernTimeout must be positive", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Chat:Mongo:MessagesCollection", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public void Grain_storage_errors_name_the_provider()
    {
        var validator = new MongoGrainStorageOptionsValidator(new MongoGrainStorageOptions { Database = "", StateVersion = 0 }, "chat");

        var error = Assert.Throws<OrleansConfigurationException>(validator.ValidateConfiguration);

        Assert.Contains("MongoGrainStorageOptions.Database (grain storage 'chat') must be", error.Message);
        Assert.Contains("MongoGrainStorageOptions.StateVersion (grain storage 'chat') must be at least 1", error.Message);
    }

    [Fact]
    public async Task A_node_configured_for_mongo_refuses_to_start_with_bad_settings()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chat:Store:Provider"] = "Mongo",
            ["Chat:Mongo:ConnectionString"] = "",
        });

        builder.AddChatSilo();
        using var host = builder.Build();

        // Checked as the host starts, before the silo opens any port or connection.
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync()).WaitAsync(TestIds.Timeout);
        Assert.Contains("Chat:Mongo:ConnectionString must not be empty", error.Message);
    }
}
