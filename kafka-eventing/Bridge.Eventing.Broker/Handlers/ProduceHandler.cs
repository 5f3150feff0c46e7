using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Broker.Protocol.Messages;
using Bridge.Eventing.Log.Records;
using Bridge.Eventing.Log.Storage;
using Bridge.Eventing.Log.Topics;
using Microsoft.Extensions.Logging;

namespace Bridge.Eventing.Broker.Handlers;

/// <summary>
/// Produce (Kafka protocol, Produce v3–v8): validates each partition's RecordBatch v2 (header and
/// CRC-32C, never decompressing), appends it to the partition log (fsynced under the default
/// policy before the answer), and answers with the base offset. acks 1 and -1 are the same on a
/// single replica: the answer comes after the append. acks=0 gets no response at all, as Kafka.
/// </summary>
internal sealed class ProduceHandler(LogManager logs, AppendSignal appended, ILogger logger)
{
    /// <summary>Handles one request; null when the client asked for no response (acks=0).</summary>
    public ProduceResponse? Handle(ProduceRequest request)
    {
        var acksValid = request.Acks is 0 or 1 or -1;
        var any = false;
        var topics = new List<ProduceResponse.Topic>(request.TopicData.Count);
        foreach (var topic in request.TopicData)
        {
            var partitions = new List<ProduceResponse.Partition>(topic.PartitionData.Count);
            foreach (var partition in topic.PartitionData)
            {
                var answer = acksValid
                    ? Append(topic.Name, partition)
                    : Failed(partition.Index, ErrorCode.InvalidRequiredAcks, $"acks must be 0, 1 or -1, not {request.Acks}");
                any |= answer.ErrorCode == ErrorCode.None;
                partitions.Add(answer);
            }
            topics.Add(new ProduceResponse.Topic(topic.Name, partitions));
        }
        if (any) appended.Notify();
        return request.Acks == 0 ? null : new ProduceResponse { Responses = topics };
    }

    private ProduceResponse.Partition Append(string topic, ProduceRequest.Partition partition)
    {
        var log = logs.GetLog(topic, partition.Index);
        if (log is null)
            return Failed(partition.Index, ErrorCode.UnknownTopicOrPartition, $"this broker has no partition {topic}-{partition.Index}");
        if (partition.Records is not { } records)
            return Failed(partition.Index, ErrorCode.InvalidRecord, "records are null");
        var split = RecordBatches.Split(records);
        if (!split.IsValid)
            return Failed(partition.Index, (ErrorCode)split.Error.ToKafkaErrorCode(), $"record batch invalid at byte {split.ErrorPosition}: {split.Error}");
        // Kafka's rule for Produce v3+ (LogValidator): exactly one batch per partition.
        if (split.Batches.Count != 1)
            return Failed(partition.Index, ErrorCode.InvalidRecord, $"Produce v3+ takes exactly one record batch per partition, not {split.Batches.Count}");
        var header = split.Batches[0].Header;
        if (header.IsControl || header.IsTransactional || header.ProducerId >= 0)
            return Failed(partition.Index, ErrorCode.InvalidRecord,
                "idempotent and transactional batches need InitProducerId, which this broker does not serve");
        try
        {
            var result = log.Append(split.Batches);
            return result.Status == AppendStatus.MessageTooLarge
                ? Failed(partition.Index, ErrorCode.MessageTooLarge,
                    $"a batch of {header.SizeInBytes} bytes is larger than max.message.bytes {log.Config.MaxMessageBytes} or segment.bytes {log.Config.SegmentBytes}")
                : new ProduceResponse.Partition(partition.Index, ErrorCode.None, result.BaseOffset) { LogStartOffset = result.LogStartOffset };
        }
        catch (Exception e) when (PartitionErrors.For(e) is { } code)
        {
            if (code == ErrorCode.KafkaStorageError) logger.LogError(e, "Append to {Topic}-{Partition} failed", topic, partition.Index);
            return Failed(partition.Index, code, e.Message);
        }
    }

    private static ProduceResponse.Partition Failed(int index, ErrorCode code, string message) =>
        new(index, code, -1) { ErrorMessage = message };
}
