using System.Text;
using Bridge.Eventing.Broker.ClientTests.Infrastructure;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Bridge.Eventing.Broker.ClientTests;

/// <summary>
/// Topic administration and offset queries through Confluent.Kafka: AdminClient CreateTopics,
/// DeleteTopics and Metadata; ListOffsets through the consumer (QueryWatermarkOffsets for
/// earliest/latest, OffsetsForTimes by timestamp). librdkafka 2.0.2 has no
/// <c>rd_kafka_ListOffsets</c> (added in 2.3), so <c>IAdminClient.ListOffsetsAsync</c> cannot run here.
/// </summary>
public class AdminTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly ClientLog _log = new();

    // Auto-creation off, so a Metadata request for a deleted topic cannot bring it back.
    private static Task<TestBroker> StartAsync() => TestBroker.StartAsync(o => o with { AutoCreateTopics = false });

    [Fact]
    public async Task CreateTopics_ThenMetadata_ShowsEachTopicWithItsPartitionsLedByTheBroker()
    {
        await using var broker = await StartAsync();
        using var admin = Clients.Admin(broker.BootstrapServers, _log);

        await admin.CreateTopicsAsync([
            new TopicSpecification { Name = "orders", NumPartitions = 3, ReplicationFactor = 1 },
            new TopicSpecification { Name = "audit.log_v2", NumPartitions = 1, ReplicationFactor = 1 },
        ]);
        var metadata = admin.GetMetadata(Timeout);

        var self = Assert.Single(metadata.Brokers);
        Assert.Equal(broker.Broker.Endpoint.Port, self.Port);
        Assert.Equal("127.0.0.1", self.Host);
        Assert.Equal(self.BrokerId, metadata.OriginatingBrokerId);
        var topics = metadata.Topics.ToDictionary(t => t.Topic);
        Assert.Equal(["audit.log_v2", "orders"], topics.Keys.Order());
        Assert.Equal([0, 1, 2], topics["orders"].Partitions.Select(p => p.PartitionId).Order());
        Assert.All(metadata.Topics.SelectMany(t => t.Partitions), p =>
        {
            Assert.Equal(self.BrokerId, p.Leader);
            Assert.Equal([self.BrokerId], p.Replicas);
            Assert.Equal([self.BrokerId], p.InSyncReplicas);
            Assert.Equal(ErrorCode.NoError, p.Error.Code);
        });
        Assert.Equal(3, broker.Broker.Logs.GetTopic("orders")?.Partitions);
    }

    [Fact]
    public async Task CreateTopics_ExistingOrIllegalName_ReportsTheErrorPerTopic()
    {
        await using var broker = await StartAsync();
        using var admin = Clients.Admin(broker.BootstrapServers, _log);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "taken", NumPartitions = 1, ReplicationFactor = 1 }]);

        var error = await Assert.ThrowsAsync<CreateTopicsException>(() => admin.CreateTopicsAsync([
            new TopicSpecification { Name = "taken", NumPartitions = 2, ReplicationFactor = 1 },
            new TopicSpecification { Name = "not a topic!", NumPartitions = 1, ReplicationFactor = 1 },
            new TopicSpecification { Name = "fresh", NumPartitions = 2, ReplicationFactor = 1 },
        ]));

        var results = error.Results.ToDictionary(r => r.Topic, r => r.Error.Code);
        Assert.Equal(ErrorCode.TopicAlreadyExists, results["taken"]);
        Assert.Equal(ErrorCode.TopicException, results["not a topic!"]);
        Assert.Equal(ErrorCode.NoError, results["fresh"]);
        Assert.Equal(1, broker.Broker.Logs.GetTopic("taken")?.Partitions);
        Assert.Equal(2, broker.Broker.Logs.GetTopic("fresh")?.Partitions);
    }

    [Fact]
    public async Task DeleteTopics_RemovesTopicFromMetadataAndLogs_UnknownTopicIsAnError()
    {
        await using var broker = await StartAsync();
        using var admin = Clients.Admin(broker.BootstrapServers, _log);
        await admin.CreateTopicsAsync([
            new TopicSpecification { Name = "doomed", NumPartitions = 2, ReplicationFactor = 1 },
            new TopicSpecification { Name = "kept", NumPartitions = 1, ReplicationFactor = 1 },
        ]);

        await admin.DeleteTopicsAsync(["doomed"]);
        var missing = await Assert.ThrowsAsync<DeleteTopicsException>(() => admin.DeleteTopicsAsync(["never-was"]));

        Assert.Equal(ErrorCode.UnknownTopicOrPart, missing.Results.Single().Error.Code);
        Assert.Equal(["kept"], admin.GetMetadata(Timeout).Topics.Select(t => t.Topic));
        Assert.Null(broker.Broker.Logs.GetTopic("doomed"));
        Assert.False(Directory.Exists(Path.Combine(broker.DataDirectory, "doomed-0")));
    }

    [Fact]
    public async Task ListOffsets_EarliestLatestAndByTimestamp_MatchWhatWasProduced()
    {
        await using var broker = await StartAsync();
        using (var admin = Clients.Admin(broker.BootstrapServers, _log))
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "timed", NumPartitions = 2, ReplicationFactor = 1 }]);
        const long t0 = 1_700_000_000_000;
        using (var producer = Clients.Producer(broker.BootstrapServers, _log))
            await Clients.ProduceAllAsync(producer, Enumerable.Range(0, 10).Select(i => (new TopicPartition("timed", 0),
                new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes($"{i}"), Timestamp = new Timestamp(t0 + i * 1_000, TimestampType.CreateTime) })));

        using var consumer = Clients.Consumer(broker.BootstrapServers, "offsets", _log, c => c.EnablePartitionEof = true);
        var filled = consumer.QueryWatermarkOffsets(new TopicPartition("timed", 0), Timeout);
        var empty = consumer.QueryWatermarkOffsets(new TopicPartition("timed", 1), Timeout);
        var byTime = consumer.OffsetsForTimes([
            new TopicPartitionTimestamp("timed", 0, new Timestamp(t0 - 5_000, TimestampType.CreateTime)),
        ], Timeout).Concat(consumer.OffsetsForTimes([
            new TopicPartitionTimestamp("timed", 0, new Timestamp(t0 + 3_500, TimestampType.CreateTime)),
        ], Timeout)).Concat(consumer.OffsetsForTimes([
            new TopicPartitionTimestamp("timed", 0, new Timestamp(t0 + 9_000, TimestampType.CreateTime)),
        ], Timeout)).Concat(consumer.OffsetsForTimes([
            new TopicPartitionTimestamp("timed", 0, new Timestamp(t0 + 60_000, TimestampType.CreateTime)),
        ], Timeout)).ToList();

        Assert.Equal((0L, 10L), (filled.Low.Value, filled.High.Value));
        Assert.Equal((0L, 0L), (empty.Low.Value, empty.High.Value));
        // Before everything: the first record; between records: the next one; at a record: that one;
        // after everything: none (-1, Offset.End).
        Assert.Equal([0L, 4L, 9L, Offset.End.Value], byTime.Select(o => o.Offset.Value));

        // A consumer starting at "latest" begins at the end and sees only what comes after.
        consumer.Assign(new TopicPartitionOffset("timed", 0, Offset.End));
        // The end-of-partition event says the consumer resolved "latest" and fetched up to it.
        var eof = ConsumeUntilEof(consumer);
        Assert.Equal(10, eof.Offset.Value);
        using (var producer = Clients.Producer(broker.BootstrapServers, _log))
            await producer.ProduceAsync(new TopicPartition("timed", 0), new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes("late") });
        var late = Clients.ConsumeUntil(consumer, 1, _log).Single();
        Assert.Equal((10L, "late"), (late.Offset.Value, Encoding.UTF8.GetString(late.Message.Value!)));
    }

    private ConsumeResult<byte[]?, byte[]?> ConsumeUntilEof(IConsumer<byte[]?, byte[]?> consumer)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < Clients.ConsumeDeadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            Assert.False(result is { IsPartitionEOF: false }, "a record arrived before the end of the partition");
            if (result is not null) return result;
        }
        Assert.Fail($"no end-of-partition event within {Clients.ConsumeDeadline}; log:\n{_log.Tail()}");
        throw new InvalidOperationException();
    }
}
