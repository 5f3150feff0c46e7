using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Broker.Protocol.Messages;
using Bridge.Eventing.Log.Topics;
using Microsoft.Extensions.Logging;

namespace Bridge.Eventing.Broker.Handlers;

/// <summary>
/// ListOffsets (Kafka protocol, ListOffsets v1–v5): timestamp -2 (earliest) answers the log start
/// offset, -1 (latest) the log end offset (the high watermark and, with no transactions, the last
/// stable offset too), any other timestamp the first offset whose record is at least that recent
/// (<see cref="Log.Storage.PartitionLog.OffsetForTimestamp"/>), or offset -1 when none is.
/// </summary>
internal sealed class ListOffsetsHandler(LogManager logs, ILogger logger)
{
    /// <summary>Kafka's special timestamp for the earliest offset.</summary>
    public const long Earliest = -2;

    /// <summary>Kafka's special timestamp for the latest offset.</summary>
    public const long Latest = -1;

    /// <summary>Answers each partition of <paramref name="request"/>, in request order.</summary>
    public ListOffsetsResponse Handle(ListOffsetsRequest request) => new()
    {
        Topics = request.Topics.Select(topic => new ListOffsetsResponse.Topic(topic.Name,
            topic.Partitions.Select(p => Lookup(topic.Name, p)).ToList())).ToList(),
    };

    private ListOffsetsResponse.Partition Lookup(string topic, ListOffsetsRequest.Partition partition)
    {
        var log = logs.GetLog(topic, partition.PartitionIndex);
        if (log is null) return new(partition.PartitionIndex, ErrorCode.UnknownTopicOrPartition, -1, -1);
        try
        {
            return partition.Timestamp switch
            {
                Earliest => new(partition.PartitionIndex, ErrorCode.None, -1, log.LogStartOffset) { LeaderEpoch = 0 },
                Latest => new(partition.PartitionIndex, ErrorCode.None, -1, log.LogEndOffset) { LeaderEpoch = 0 },
                < 0 => new(partition.PartitionIndex, ErrorCode.UnsupportedVersion, -1, -1), // -3 (max timestamp) is ListOffsets v7+
                _ => log.OffsetForTimestamp(partition.Timestamp) is { } found
                    ? new(partition.PartitionIndex, ErrorCode.None, found.TimestampMs, found.Offset) { LeaderEpoch = 0 }
                    : new(partition.PartitionIndex, ErrorCode.None, -1, -1),
            };
        }
        catch (Exception e) when (PartitionErrors.For(e) is { } code)
        {
            if (code == ErrorCode.KafkaStorageError) logger.LogError(e, "ListOffsets on {Topic}-{Partition} failed", topic, partition.PartitionIndex);
            return new(partition.PartitionIndex, code, -1, -1);
        }
    }
}
