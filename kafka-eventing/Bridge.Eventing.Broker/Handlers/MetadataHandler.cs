using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Broker.Protocol.Messages;
using Bridge.Eventing.Log.Topics;

namespace Bridge.Eventing.Broker.Handlers;

/// <summary>
/// Metadata (Kafka protocol, Metadata v0–v8) for a one-node cluster: this broker (node 0) leads
/// every partition and is its only replica. A request naming an unknown topic creates it when
/// <see cref="BrokerOptions.AutoCreateTopics"/> is on and the client allows it (v4+
/// <c>allow_auto_topic_creation</c>). Creation here is synchronous, so the answer already
/// describes the new topic (Kafka answers LEADER_NOT_AVAILABLE while its controller creates it,
/// and the client asks again).
/// </summary>
internal sealed class MetadataHandler(LogManager logs, BrokerIdentity self, bool autoCreate)
{
    /// <summary>Answers <paramref name="request"/> read at <paramref name="version"/>.</summary>
    public MetadataResponse Handle(MetadataRequest request, short version)
    {
        var topics = new List<MetadataResponse.Topic>();
        if (request.WantsAllTopics(version))
        {
            foreach (var topic in logs.ListTopics()) topics.Add(Describe(topic));
        }
        else
        {
            var allowCreate = autoCreate && (version < 4 || request.AllowAutoTopicCreation);
            foreach (var name in request.Topics!.Distinct(StringComparer.Ordinal))
                topics.Add(Lookup(name, allowCreate));
        }
        return new MetadataResponse
        {
            Brokers = [new MetadataResponse.Broker(self.NodeId, self.Host, self.Port)],
            ClusterId = self.ClusterId,
            ControllerId = self.NodeId,
            Topics = topics,
        };
    }

    private MetadataResponse.Topic Lookup(string name, bool allowCreate)
    {
        if (logs.GetTopic(name) is { } existing) return Describe(existing);
        if (TopicNames.Validate(name) is not null) return new MetadataResponse.Topic(ErrorCode.InvalidTopicException, name, []);
        if (!allowCreate) return new MetadataResponse.Topic(ErrorCode.UnknownTopicOrPartition, name, []);
        var status = logs.CreateTopic(name);
        return status is TopicStatus.Ok or TopicStatus.TopicAlreadyExists && logs.GetTopic(name) is { } created
            ? Describe(created)
            : new MetadataResponse.Topic((ErrorCode)status.ToKafkaErrorCode(), name, []);
    }

    private MetadataResponse.Topic Describe(TopicDescription topic)
    {
        var partitions = new MetadataResponse.Partition[topic.Partitions];
        for (var p = 0; p < partitions.Length; p++)
            partitions[p] = new MetadataResponse.Partition(ErrorCode.None, p, self.NodeId, self.Replicas, self.Replicas) { LeaderEpoch = 0 };
        return new MetadataResponse.Topic(ErrorCode.None, topic.Name, partitions);
    }
}
