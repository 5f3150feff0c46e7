using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Broker.Protocol.Messages;
using Bridge.Eventing.Log.Topics;

namespace Bridge.Eventing.Broker.Handlers;

/// <summary>
/// CreateTopics (Kafka protocol, v0–v4) and DeleteTopics (v0–v3) on the log manager's catalog.
/// One node: the replication factor must be 1 or -1 (the default), a manual replica assignment
/// must put every partition on node 0 alone. Topic configs are the log's (<see cref="TopicConfigs"/>).
/// </summary>
internal sealed class TopicAdminHandler(LogManager logs, int defaultPartitions)
{
    /// <summary>Creates (or with <c>validate_only</c>, checks) each topic; answers one result per topic, in request order.</summary>
    public CreateTopicsResponse Create(CreateTopicsRequest request)
    {
        var results = new List<CreateTopicsResponse.Result>(request.Topics.Count);
        var names = request.Topics.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var topic in request.Topics)
        {
            // Kafka: a name given twice in one request fails both entries.
            results.Add(names[topic.Name] > 1
                ? new(topic.Name, ErrorCode.InvalidRequest, $"topic '{topic.Name}' appears more than once in the request")
                : CreateOne(topic, request.ValidateOnly));
        }
        return new CreateTopicsResponse { Topics = results };
    }

    private CreateTopicsResponse.Result CreateOne(CreateTopicsRequest.CreatableTopic topic, bool validateOnly)
    {
        if (TopicNames.Validate(topic.Name) is { } invalid) return new(topic.Name, ErrorCode.InvalidTopicException, invalid);
        if (logs.GetTopic(topic.Name) is not null) return new(topic.Name, ErrorCode.TopicAlreadyExists, $"topic '{topic.Name}' already exists");
        if (topic.ReplicationFactor is not (1 or -1) && topic.Assignments.Count == 0)
            return new(topic.Name, ErrorCode.InvalidReplicationFactor, $"replication factor {topic.ReplicationFactor}: this is a one-broker cluster, only 1 (or -1) works");
        var partitions = topic.NumPartitions == -1 ? defaultPartitions : topic.NumPartitions;
        if (topic.Assignments.Count > 0)
        {
            if (topic.NumPartitions != -1 || topic.ReplicationFactor != -1)
                return new(topic.Name, ErrorCode.InvalidRequest, "with a replica assignment, num_partitions and replication_factor must be -1");
            var indexes = topic.Assignments.Select(a => a.PartitionIndex).Order().ToArray();
            if (!indexes.SequenceEqual(Enumerable.Range(0, indexes.Length)))
                return new(topic.Name, ErrorCode.InvalidReplicaAssignment, "assigned partitions must be 0..N-1, each once");
            if (topic.Assignments.Any(a => a.BrokerIds is not [0]))
                return new(topic.Name, ErrorCode.InvalidReplicaAssignment, "every partition must be assigned to broker 0 alone");
            partitions = indexes.Length;
        }
        if (partitions is < 1 or > LogManager.MaxPartitions)
            return new(topic.Name, ErrorCode.InvalidPartitions, $"partitions must be 1..{LogManager.MaxPartitions} (or -1 for the default), not {topic.NumPartitions}");
        var (config, error) = TopicConfigs.Apply(logs.Options.DefaultConfig, topic.Configs);
        if (error is not null) return new(topic.Name, ErrorCode.InvalidConfig, error);
        if (validateOnly) return new(topic.Name, ErrorCode.None);
        var status = logs.CreateTopic(topic.Name, partitions, config);
        return new(topic.Name, (ErrorCode)status.ToKafkaErrorCode(), status == TopicStatus.Ok ? null : $"{status}");
    }

    /// <summary>Deletes each topic (its logs and the groups' committed offsets for it).</summary>
    public DeleteTopicsResponse Delete(DeleteTopicsRequest request) => new()
    {
        Responses = request.TopicNames.Select(name => new DeleteTopicsResponse.Result(name, (ErrorCode)logs.DeleteTopic(name).ToKafkaErrorCode())).ToList(),
    };
}
