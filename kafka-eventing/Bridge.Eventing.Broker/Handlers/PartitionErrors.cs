using Bridge.Eventing.Broker.Protocol;

namespace Bridge.Eventing.Broker.Handlers;

/// <summary>Kafka error codes for what partition logs throw (docs/broker.md, "Threading").</summary>
internal static class PartitionErrors
{
    /// <summary>
    /// The code for an exception from a partition log, or null when it is not a storage outcome
    /// (a bug: let it surface). A log whose topic was deleted meanwhile throws
    /// <see cref="ObjectDisposedException"/>: UNKNOWN_TOPIC_OR_PARTITION, as Kafka answers for a
    /// topic being deleted. A corrupt segment (<see cref="InvalidDataException"/>) or a failed
    /// write or fsync (<see cref="IOException"/>): KAFKA_STORAGE_ERROR.
    /// </summary>
    public static ErrorCode? For(Exception e) => e switch
    {
        ObjectDisposedException => ErrorCode.UnknownTopicOrPartition,
        InvalidDataException or IOException => ErrorCode.KafkaStorageError,
        _ => null,
    };
}
