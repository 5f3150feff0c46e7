using Bridge.Eventing.Bus.Backend;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Bridge.Eventing.Bus.Spill;

/// <summary>
/// Re-injects spilled records at a node's start, exactly once: for each entry, first the records of
/// its batch already in Kafka are found by their write ids (<see cref="WriterScan"/>, from the entry's
/// scan-from offsets), then only the others are published and confirmed, and the file is deleted
/// when all its entries are done. A crash half-way leaves the file, and the next start's scan finds
/// what the last attempt managed. Files with a damaged entry are re-injected up to it and renamed
/// <c>*.bad</c> for an operator.
/// </summary>
internal static class SpillRecovery
{
    /// <summary>Re-injects every spill file in <paramref name="directory"/>.</summary>
    /// <returns>Records published (those found in Kafka already are not counted).</returns>
    /// <exception cref="Bridge.Rpc.RpcException">UNAVAILABLE (kafka): Kafka did not answer; nothing is lost, call again.</exception>
    /// <exception cref="KafkaException">Kafka refused a record; nothing is lost, call again.</exception>
    public static async Task<int> RecoverAsync(string directory, NodeKafka kafka, ILogger logger, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory)) return 0;
        var published = 0;
        foreach (var path in Directory.GetFiles(directory, "spill-*.log").Order(StringComparer.Ordinal))
        {
            var (entries, problem) = SpillLog.Read(path);
            foreach (var entry in entries)
            {
                var found = await WriterScan.FindAsync(kafka, entry.Topic, entry.Writer, entry.Sequence - 1, entry.ScanFrom, cancellationToken);
                var missing = entry.Records.Where(r => !found.ContainsKey((entry.Sequence, r.Index))).ToList();
                await Task.WhenAll(missing.Select(r => r.Partition is { } p
                    ? kafka.Producer.ProduceAsync(new TopicPartition(entry.Topic, p), r.Message, cancellationToken)
                    : kafka.Producer.ProduceAsync(entry.Topic, r.Message, cancellationToken)));
                published += missing.Count;
            }
            if (problem is null)
            {
                File.Delete(path);
                logger.LogInformation("spill {Path}: {Entries} batches re-injected", path, entries.Count);
            }
            else
            {
                File.Move(path, path + ".bad", overwrite: true);
                logger.LogError("spill {Path}: {Problem}; re-injected the {Entries} batches before it and kept the file as {Bad}", path, problem, entries.Count, path + ".bad");
            }
        }
        return published;
    }
}
