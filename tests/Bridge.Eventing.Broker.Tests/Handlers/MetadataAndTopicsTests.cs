using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Broker.Protocol.Messages;
using Bridge.Eventing.Log.Tests;

namespace Bridge.Eventing.Broker.Tests.Handlers;

/// <summary>Metadata (auto-creation on and off), CreateTopics/DeleteTopics rules for one node, ListOffsets.</summary>
public class MetadataAndTopicsTests : IDisposable
{
    private readonly BrokerState _broker = new(defaultPartitions: 3);

    public void Dispose() => _broker.Dispose();

    [Fact]
    public void UnknownTopic_IsCreatedWithTheDefaultPartitions_AndDescribedAtOnce()
    {
        var response = _broker.Metadata.Handle(new MetadataRequest { Topics = ["orders"] }, version: 4);
        var topic = Assert.Single(response.Topics);
        Assert.Equal((ErrorCode.None, "orders"), (topic.ErrorCode, topic.Name));
        Assert.Equal([0, 1, 2], topic.Partitions.Select(p => p.PartitionIndex));
        Assert.All(topic.Partitions, p =>
        {
            Assert.Equal(0, p.LeaderId);
            Assert.Equal([0], p.ReplicaNodes);
            Assert.Equal([0], p.IsrNodes);
        });
        Assert.Equal(new MetadataResponse.Broker(0, "127.0.0.1", 9092), Assert.Single(response.Brokers));
        Assert.Equal((0, "test-cluster"), (response.ControllerId, response.ClusterId));
        Assert.Equal(3, _broker.Logs.GetTopic("orders")!.Partitions);
    }

    [Fact]
    public void ClientThatForbidsAutoCreation_GetsUnknownTopic()
    {
        var response = _broker.Metadata.Handle(new MetadataRequest { Topics = ["orders"], AllowAutoTopicCreation = false }, version: 4);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, Assert.Single(response.Topics).ErrorCode);
        Assert.Null(_broker.Logs.GetTopic("orders"));
    }

    [Fact]
    public void BrokerWithAutoCreationOff_AnswersUnknownTopic()
    {
        using var broker = new BrokerState(autoCreate: false);
        var response = broker.Metadata.Handle(new MetadataRequest { Topics = ["orders"] }, version: 8);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, Assert.Single(response.Topics).ErrorCode);
    }

    [Fact]
    public void IllegalName_IsInvalidTopic_AndNothingIsCreated()
    {
        var response = _broker.Metadata.Handle(new MetadataRequest { Topics = ["bad/name"] }, version: 4);
        Assert.Equal(ErrorCode.InvalidTopicException, Assert.Single(response.Topics).ErrorCode);
        Assert.Empty(_broker.Logs.ListTopics());
    }

    [Theory]
    [InlineData(0)] // v0: an empty list means all topics
    [InlineData(1)] // v1+: null means all topics
    public void AllTopics_AreListed(short version)
    {
        _broker.Logs.CreateTopic("a", 1);
        _broker.Logs.CreateTopic("b", 2);
        var request = new MetadataRequest { Topics = version == 0 ? [] : null };
        var response = _broker.Metadata.Handle(request, version);
        Assert.Equal(["a", "b"], response.Topics.Select(t => t.Name).Order());
    }

    private CreateTopicsResponse.Result CreateOne(CreateTopicsRequest.CreatableTopic topic, bool validateOnly = false) =>
        Assert.Single(_broker.Topics.Create(new CreateTopicsRequest { Topics = [topic], ValidateOnly = validateOnly }).Topics);

    [Fact]
    public void CreateTopics_AppliesKafkaTopicConfigs()
    {
        var result = CreateOne(new("orders", 4, 1)
        {
            Configs = [new("retention.ms", "60000"), new("segment.bytes", "1048576"), new("cleanup.policy", "delete"), new("flush.ms", null)],
        });
        Assert.Equal(ErrorCode.None, result.ErrorCode);
        var topic = _broker.Logs.GetTopic("orders")!;
        Assert.Equal((4, 60_000L, 1_048_576), (topic.Partitions, topic.Config.RetentionMs, topic.Config.SegmentBytes));
    }

    [Theory]
    [InlineData("compact")]
    [InlineData(" compact ")]
    public void CreateTopics_CleanupPolicyCompact_KeepsRecordsForever_WhateverRetentionSays(string policy)
    {
        // The broker never compacts; what a compacted topic promises that matters (the schema
        // registry's _schemas) is that retention never deletes its records. Kafka ignores
        // retention.* for a compact-only topic, so the order of the entries does not matter.
        var result = CreateOne(new("_schemas", 1, 1)
        {
            Configs = [new("cleanup.policy", policy), new("retention.ms", "1000"), new("retention.bytes", "4096")],
        });
        Assert.Equal(ErrorCode.None, result.ErrorCode);
        var config = _broker.Logs.GetTopic("_schemas")!.Config;
        Assert.Equal((-1L, -1L), (config.RetentionMs, config.RetentionBytes));
    }

    [Theory]
    [InlineData("delete")]
    [InlineData("compact,delete")]
    [InlineData("delete, compact")]
    public void CreateTopics_CleanupPolicyWithDelete_KeepsConfiguredRetention(string policy)
    {
        var result = CreateOne(new("orders", 1, 1) { Configs = [new("retention.ms", "60000"), new("cleanup.policy", policy)] });
        Assert.Equal(ErrorCode.None, result.ErrorCode);
        Assert.Equal(60_000L, _broker.Logs.GetTopic("orders")!.Config.RetentionMs);
    }

    [Theory]
    [InlineData("compression.type", "gzip", "not supported")]
    [InlineData("cleanup.policy", "compacted", "cleanup.policy=compacted is not supported")]
    [InlineData("cleanup.policy", "compact,compact", "use delete, compact, or compact,delete")]
    [InlineData("cleanup.policy", "", "cleanup.policy= is not supported")]
    [InlineData("min.insync.replicas", "2", "one replica")]
    [InlineData("retention.ms", "soon", "must be an integer")]
    [InlineData("segment.bytes", "10", "segment.bytes must be at least 64")]
    [InlineData("max.message.bytes", "99999999999", "must fit in 32 bits")]
    public void CreateTopics_RefusesConfigsItCannotHonour_ByName(string name, string value, string why)
    {
        var result = CreateOne(new("orders", 1, 1) { Configs = [new(name, value)] });
        Assert.Equal(ErrorCode.InvalidConfig, result.ErrorCode);
        Assert.Contains(why, result.ErrorMessage);
        Assert.Null(_broker.Logs.GetTopic("orders"));
    }

    [Fact]
    public void CreateTopics_OneNodeRules()
    {
        Assert.Equal(ErrorCode.InvalidReplicationFactor, CreateOne(new("a", 1, 3)).ErrorCode);
        Assert.Equal(ErrorCode.InvalidPartitions, CreateOne(new("b", 0, 1)).ErrorCode);
        Assert.Equal(ErrorCode.InvalidTopicException, CreateOne(new("..", 1, 1)).ErrorCode);
        Assert.Equal(ErrorCode.InvalidReplicaAssignment, CreateOne(new("c", -1, -1) { Assignments = [new(0, [1])] }).ErrorCode);
        Assert.Equal(ErrorCode.None, CreateOne(new("d", -1, -1) { Assignments = [new(0, [0]), new(1, [0])] }).ErrorCode);
        Assert.Equal(2, _broker.Logs.GetTopic("d")!.Partitions);
        Assert.Equal(ErrorCode.None, CreateOne(new("e", -1, -1)).ErrorCode);
        Assert.Equal(3, _broker.Logs.GetTopic("e")!.Partitions);
        Assert.Equal(ErrorCode.TopicAlreadyExists, CreateOne(new("e", 1, 1)).ErrorCode);
    }

    [Fact]
    public void CreateTopics_ValidateOnly_CreatesNothing()
    {
        Assert.Equal(ErrorCode.None, CreateOne(new("orders", 2, 1), validateOnly: true).ErrorCode);
        Assert.Null(_broker.Logs.GetTopic("orders"));
    }

    [Fact]
    public void CreateTopics_SameNameTwice_FailsBoth()
    {
        var response = _broker.Topics.Create(new CreateTopicsRequest { Topics = [new("x", 1, 1), new("x", 2, 1)] });
        Assert.All(response.Topics, r => Assert.Equal(ErrorCode.InvalidRequest, r.ErrorCode));
        Assert.Null(_broker.Logs.GetTopic("x"));
    }

    [Fact]
    public void DeleteTopics_DeletesKnown_ReportsUnknown()
    {
        _broker.Logs.CreateTopic("a", 1);
        var response = _broker.Topics.Delete(new DeleteTopicsRequest { TopicNames = ["a", "nope"] });
        Assert.Equal([ErrorCode.None, ErrorCode.UnknownTopicOrPartition], response.Responses.Select(r => r.ErrorCode));
        Assert.Null(_broker.Logs.GetTopic("a"));
    }

    [Fact]
    public void ListOffsets_EarliestLatestAndByTimestamp()
    {
        _broker.Logs.CreateTopic("t", 1);
        foreach (var ts in new long[] { 1000, 2000, 3000 })
            _broker.Produce.Handle(BrokerState.ProduceOf("t", 0, TestBatches.Simple(ts, count: 2)));
        var request = new ListOffsetsRequest
        {
            Topics =
            [
                new ListOffsetsRequest.Topic("t", [new(0, -2), new(0, -1), new(0, 1500), new(0, 2000), new(0, 9999), new(7, -1)]),
                new ListOffsetsRequest.Topic("nope", [new(0, -1)]),
            ],
        };
        var response = _broker.ListOffsets.Handle(request);
        var answers = response.Topics[0].Partitions.Select(p => (p.ErrorCode, p.Offset, p.Timestamp)).ToArray();
        Assert.Equal((ErrorCode.None, 0L, -1L), answers[0]);
        Assert.Equal((ErrorCode.None, 6L, -1L), answers[1]);
        Assert.Equal((ErrorCode.None, 2L, 2000L), answers[2]);
        Assert.Equal((ErrorCode.None, 2L, 2000L), answers[3]);
        Assert.Equal((ErrorCode.None, -1L, -1L), answers[4]);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, answers[5].ErrorCode);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, response.Topics[1].Partitions[0].ErrorCode);
    }
}
