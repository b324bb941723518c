using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansChat.Grains.Streaming;
using OrleansChat.Silo.Streaming.Kafka;
using Orleans.Hosting;
using Orleans.Runtime;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Kafka;

public sealed class KafkaOptionsTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        Assert.True(new KafkaStreamOptionsValidator().Validate("chat-streams", new KafkaStreamOptions()).Succeeded);
    }

    [Fact]
    public void Each_bad_setting_is_reported_with_its_key_and_the_provider()
    {
        var options = new KafkaStreamOptions { BootstrapServers = " ", Partitions = 0, PollPeriod = TimeSpan.Zero, SecurityProtocol = "Telnet" };
        var result = new KafkaStreamOptionsValidator().Validate("chat-streams", options);
        Assert.True(result.Failed);
        var failures = result.Failures?.ToList() ?? [];
        Assert.Contains(failures, f => f.StartsWith("Chat:Kafka:BootstrapServers ", StringComparison.Ordinal) && f.Contains("'chat-streams'"));
        Assert.Contains(failures, f => f.StartsWith("Chat:Kafka:Partitions ", StringComparison.Ordinal) && f.Contains("was 0"));
        Assert.Contains(failures, f => f.StartsWith("Chat:Kafka:PollPeriod ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Chat:Kafka:SecurityProtocol ", StringComparison.Ordinal) && f.Contains("SaslSsl"));
        Assert.Equal(4, failures.Count);
    }

    [Fact]
    public async Task A_node_configured_for_Kafka_with_a_bad_setting_refuses_to_start_and_names_the_key()
    {
        // No defaults: this machine's environment variables and appsettings must not decide the outcome.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chat:Streams:Provider"] = "Kafka",
            ["Chat:Kafka:Topic"] = "",
        });
        builder.AddChatSilo();
        using var host = builder.Build();

        // Checked as the host starts, before the silo opens any port or connection.
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync()).WaitAsync(TestIds.Timeout);
        Assert.Contains("Chat:Kafka:Topic", error.Message);
    }

    [Theory]
    [InlineData("Kafka", "200000", 100_000)]
    [InlineData("Kafka", null, 512 * 1024)]
    [InlineData("Memory", "200000", int.MaxValue)]
    public void The_relay_fills_a_batch_to_half_a_Kafka_record_and_has_no_byte_limit_on_memory_streams(string provider, string? maxRecordBytes, int expected)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var settings = new Dictionary<string, string?> { ["Chat:Streams:Provider"] = provider };
        if (maxRecordBytes is not null)
        {
            settings["Chat:Kafka:MaxRecordBytes"] = maxRecordBytes;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddChatSilo();
        using var host = builder.Build();

        Assert.Equal(expected, host.Services.GetRequiredService<IOptions<RoomEventRelayOptions>>().Value.MaxBatchBytes);
    }

    [Fact]
    public void A_record_limit_too_small_for_a_long_message_is_refused_with_its_key()
    {
        var result = new KafkaStreamOptionsValidator().Validate("chat-streams", new KafkaStreamOptions { MaxRecordBytes = 20_000 });

        Assert.Contains(result.Failures ?? [], f => f.StartsWith("Chat:Kafka:MaxRecordBytes ", StringComparison.Ordinal) && f.Contains("was 20000"));
    }

    [Fact]
    public void A_stream_always_maps_to_the_same_partition_and_streams_spread_over_all_of_them()
    {
        var first = new KafkaQueueMapper("topic", 4);
        var second = new KafkaQueueMapper("topic", 4);
        var rooms = Enumerable.Range(0, 200).Select(i => StreamId.Create(ChatNames.RoomEventsNamespace, $"room-{i}")).ToList();

        Assert.All(rooms, s => Assert.Equal(first.PartitionOf(s), second.PartitionOf(s)));
        Assert.All(rooms, s => Assert.Equal(first.PartitionOf(s), KafkaQueueMapper.PartitionOf(first.GetQueueForStream(s))));
        Assert.Equal([0, 1, 2, 3], rooms.Select(first.PartitionOf).Distinct().Order());
        // Pinned values: the hash must never change, or a rolling upgrade would split a room over two partitions.
        Assert.Equal([2, 3, 1, 3], new[] { "room-7", "lobby", "dm:alice:bob", "general" }
            .Select(r => first.PartitionOf(StreamId.Create(ChatNames.RoomEventsNamespace, r))));
    }
}
