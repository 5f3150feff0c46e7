using System.Collections.Immutable;
using Bridge.Eventing.Bus.Sessions;
using Bridge.Eventing.Bus.Spill;
using Confluent.Kafka;

namespace Bridge.Eventing.Bus.Backend;

/// <summary>How a publish ended.</summary>
internal enum PublishEnd
{
    /// <summary>Kafka confirmed every record.</summary>
    Delivered,

    /// <summary>The node shut down first; the records not confirmed are on disk, to be published at the next start.</summary>
    Spilled,
}

/// <summary>
/// One Ack's publishing: the records of its batches that have not landed yet, handed to the node's
/// producer, and the delivery reports that fill in where each landed. Ends when every record is
/// confirmed, when one fails (the Ack then fails and the batches stay staged, with what did land
/// remembered), or when the node's shutdown spills what is left.
/// </summary>
internal sealed class PublishOperation
{
    private readonly TaskCompletionSource<PublishEnd> _end = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(StagedBatch Batch, int Index, Message<byte[]?, byte[]?> Message)> _records = [];
    private int _outstanding;
    private string? _failure;

    public PublishOperation(string topic, Guid writer, ImmutableSortedDictionary<int, long> scanFrom)
    {
        Topic = topic;
        Writer = writer;
        ScanFrom = scanFrom;
    }

    public string Topic { get; }

    public Guid Writer { get; }

    /// <summary>Where a scan for these records would start (the write cursor's scan-from offsets).</summary>
    public ImmutableSortedDictionary<int, long> ScanFrom { get; }

    /// <summary>Completes when the operation ends; faults with <see cref="KafkaException"/> when a record failed.</summary>
    public Task<PublishEnd> End => _end.Task;

    /// <summary>Adds record <paramref name="index"/> of <paramref name="batch"/>, as the Kafka message to send.</summary>
    public void Add(StagedBatch batch, int index, Message<byte[]?, byte[]?> message) => _records.Add((batch, index, message));

    /// <summary>Hands every record to <paramref name="kafka"/>'s producer. Ends at once when there is nothing to send.</summary>
    public void Start(NodeKafka kafka)
    {
        _outstanding = _records.Count;
        if (_outstanding == 0)
        {
            _end.TrySetResult(PublishEnd.Delivered);
            return;
        }
        foreach (var (batch, index, message) in _records)
        {
            var partition = batch.Records[index].HasPartition ? batch.Records[index].Partition : (int?)null;
            void OnReport(DeliveryReport<byte[]?, byte[]?> report)
            {
                if (report.Error.IsError) _failure ??= $"{Topic}: {report.Error.Reason}";
                else
                {
                    batch.Landed[index] = new V1.RecordOffset { Partition = report.Partition.Value, Offset = report.Offset.Value };
                    kafka.Landed(Topic, report.Partition.Value, report.Offset.Value);
                }
                if (Interlocked.Decrement(ref _outstanding) > 0) return;
                if (_failure is null) _end.TrySetResult(PublishEnd.Delivered);
                else _end.TrySetException(new KafkaException(new Error(ErrorCode.Local_MsgTimedOut, _failure)));
            }
            try
            {
                if (partition is { } p) kafka.Producer.Produce(new TopicPartition(Topic, p), message, OnReport);
                else kafka.Producer.Produce(Topic, message, OnReport);
            }
            catch (Exception e) when (e is KafkaException or ObjectDisposedException)
            {
                OnReport(new DeliveryReport<byte[]?, byte[]?>
                {
                    Error = e is KafkaException k ? k.Error : new Error(ErrorCode.Local_Destroy, "producer closed"),
                    TopicPartitionOffset = new TopicPartitionOffset(Topic, partition ?? -1, Offset.Unset),
                    Message = message,
                });
            }
        }
    }

    /// <summary>
    /// Writes the records not confirmed yet to <paramref name="spill"/> (durably) and ends the operation
    /// as spilled. A record confirmed meanwhile is on both; the re-injection finds it in Kafka by its
    /// write id and does not publish it again.
    /// </summary>
    /// <returns>False when the operation had already ended.</returns>
    public bool Spill(SpillLog spill)
    {
        if (End.IsCompleted) return false;
        foreach (var group in _records.Where(r => r.Batch.Landed[r.Index] is null).GroupBy(r => r.Batch.Sequence))
            spill.Append(new SpillEntry(Topic, Writer, group.Key, ScanFrom,
                group.Select(r => new SpillRecord(r.Index, r.Batch.Records[r.Index].HasPartition ? r.Batch.Records[r.Index].Partition : null, r.Message)).ToList()));
        return _end.TrySetResult(PublishEnd.Spilled);
    }
}
