using System.Collections.Immutable;

namespace Bridge.Eventing.Bus.Cursors;

/// <summary>
/// Where a read session stands: for each of its partitions, the offset of the next record to read
/// (Kafka's committed-offset meaning: everything before it has been acknowledged).
/// </summary>
/// <param name="Topic">The Kafka topic.</param>
/// <param name="NextOffsets">Partition → next offset to read (≥ 0), for exactly the session's partitions.</param>
public sealed record ReadCursor(string Topic, ImmutableSortedDictionary<int, long> NextOffsets)
{
    /// <summary>Value equality over topic and offsets (records compare dictionaries by reference otherwise).</summary>
    public bool Equals(ReadCursor? other) =>
        other is not null && Topic == other.Topic && NextOffsets.Count == other.NextOffsets.Count &&
        NextOffsets.All(kv => other.NextOffsets.TryGetValue(kv.Key, out var o) && o == kv.Value);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Topic, NextOffsets.Count);
}

/// <summary>
/// Where a writer stands: its id (written into every record it publishes), the last sequence it
/// had acknowledged, and, for every partition of the topic, an offset at or below which none of its
/// not-yet-acknowledged records can sit. A node resuming the writer looks for its in-flight records
/// from there, so a batch whose Ack was lost with a failed node is not published twice.
/// </summary>
/// <param name="Topic">The Kafka topic.</param>
/// <param name="WriterId">The writer's id, fixed for its life across sessions.</param>
/// <param name="AckedSequence">The last acknowledged sequence (0: none yet).</param>
/// <param name="ScanFrom">Partition → offset from which to look for the writer's records.</param>
public sealed record WriteCursor(string Topic, Guid WriterId, ulong AckedSequence, ImmutableSortedDictionary<int, long> ScanFrom)
{
    /// <summary>Value equality over every field.</summary>
    public bool Equals(WriteCursor? other) =>
        other is not null && Topic == other.Topic && WriterId == other.WriterId && AckedSequence == other.AckedSequence &&
        ScanFrom.Count == other.ScanFrom.Count && ScanFrom.All(kv => other.ScanFrom.TryGetValue(kv.Key, out var o) && o == kv.Value);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Topic, WriterId, AckedSequence);
}
