using System.Collections.Immutable;
using Bridge.Eventing.Protocol;
using Bridge.Eventing.V1;
using Bridge.Rpc;
using Confluent.Kafka;

namespace Bridge.Eventing.Bus.Backend;

/// <summary>
/// Finds what a writer already published: reads every partition of the topic from the write
/// cursor's scan-from offsets to the current end, and collects the records whose
/// <c>bridge-write-id</c> names the writer with a sequence after the last acknowledged one. That is
/// how a batch whose Ack was lost (with a failed node, or a failed delivery report) is not published
/// twice, and how re-injecting a spill is exactly once. The cost is reading the records appended
/// since the writer's last Ack: the scan-from offsets move up with every Ack.
/// </summary>
internal static class WriterScan
{
    /// <summary>(sequence, index in batch) → where that record of the writer sits.</summary>
    /// <exception cref="RpcException">UNAVAILABLE (kafka) when Kafka does not answer within the node's timeout.</exception>
    public static async Task<Dictionary<(ulong Sequence, int Index), RecordOffset>> FindAsync(
        NodeKafka kafka, string topic, Guid writer, ulong afterSequence, IReadOnlyDictionary<int, long> scanFrom, CancellationToken cancellationToken)
    {
        var partitions = await kafka.PartitionsAsync(topic);
        var ends = await kafka.WatermarksAsync(topic, partitions, high: true);
        var starts = await kafka.WatermarksAsync(topic, partitions, high: false);
        var from = partitions.ToDictionary(p => p, p => Math.Max(scanFrom.GetValueOrDefault(p, 0), starts[p]));
        var todo = partitions.Where(p => from[p] < ends[p]).ToHashSet();
        var found = new Dictionary<(ulong, int), RecordOffset>();
        if (todo.Count == 0) return found;
        await Task.Run(() =>
        {
            using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(kafka.ConsumerConfig()).Build();
            consumer.Assign(todo.Select(p => new TopicPartitionOffset(topic, p, from[p])));
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(kafka.Timeout);
            try
            {
                while (todo.Count > 0)
                {
                    var result = consumer.Consume(deadline.Token);
                    if (result?.Message is null) continue;
                    var partition = result.Partition.Value;
                    if (KafkaRecords.TryReadWriteId(result.Message, out var id, out var sequence, out var index) && id == writer && sequence > afterSequence)
                        found[(sequence, index)] = new RecordOffset { Partition = partition, Offset = result.Offset.Value };
                    if (result.Offset.Value >= ends[partition] - 1) todo.Remove(partition);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw BusReason.Error(StatusCode.Unavailable, BusReason.Kafka, $"Kafka: reading back {topic} for writer {writer} took longer than {kafka.Timeout.TotalSeconds:0.#} s");
            }
            finally
            {
                consumer.Close();
            }
        }, cancellationToken);
        return found;
    }
}
