using System.Collections.Immutable;
using Confluent.Kafka;

namespace Bridge.Eventing.Bus.Spill;

/// <summary>A record spilled to disk: the Kafka message exactly as it was to be sent (encrypted, with its write id).</summary>
/// <param name="Index">Its index in its batch.</param>
/// <param name="Partition">The partition the client chose, or null for "by key".</param>
/// <param name="Message">The message.</param>
public sealed record SpillRecord(int Index, int? Partition, Message<byte[]?, byte[]?> Message);

/// <summary>The records of one batch that Kafka had not confirmed when the node shut down.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Writer">The writer's id.</param>
/// <param name="Sequence">The batch's sequence.</param>
/// <param name="ScanFrom">Where to look for any of them that reached Kafka after all (partition → offset).</param>
/// <param name="Records">The records not confirmed.</param>
public sealed record SpillEntry(string Topic, Guid Writer, ulong Sequence, ImmutableSortedDictionary<int, long> ScanFrom, IReadOnlyList<SpillRecord> Records);
