namespace Bridge.Eventing.Log.Topics;

/// <summary>Outcome of a topic operation on <see cref="LogManager"/>.</summary>
public enum TopicStatus
{
    /// <summary>Done.</summary>
    Ok,
    /// <summary>CreateTopic: the topic exists (Kafka TOPIC_ALREADY_EXISTS, 36).</summary>
    TopicAlreadyExists,
    /// <summary>The name breaks Kafka's rules, see <see cref="TopicNames.Validate"/> (Kafka INVALID_TOPIC_EXCEPTION, 17).</summary>
    InvalidTopic,
    /// <summary>CreateTopic: the partition count is not 1..<see cref="LogManager.MaxPartitions"/> or -1 (Kafka INVALID_PARTITIONS, 37).</summary>
    InvalidPartitions,
    /// <summary>CreateTopic: a config value is out of range (Kafka INVALID_CONFIG, 40).</summary>
    InvalidConfig,
    /// <summary>DeleteTopic: no such topic (Kafka UNKNOWN_TOPIC_OR_PARTITION, 3).</summary>
    UnknownTopic,
}

/// <summary>Kafka error codes for <see cref="TopicStatus"/>.</summary>
public static class TopicStatusCodes
{
    /// <summary>The Kafka protocol error code a CreateTopics/DeleteTopics response carries for <paramref name="status"/>.</summary>
    public static short ToKafkaErrorCode(this TopicStatus status) => status switch
    {
        TopicStatus.Ok => 0,
        TopicStatus.TopicAlreadyExists => 36,
        TopicStatus.InvalidTopic => 17,
        TopicStatus.InvalidPartitions => 37,
        TopicStatus.InvalidConfig => 40,
        TopicStatus.UnknownTopic => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
