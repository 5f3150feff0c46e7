using Bridge.Eventing.Bus.Cursors;
using Bridge.Eventing.V1;

namespace Bridge.Eventing.Bus.Sessions;

/// <summary>What an Ack of a read cursor did.</summary>
public enum ReadAckOutcome
{
    /// <summary>The pending batch is committed: the session moves past it.</summary>
    Committed,

    /// <summary>The cursor is already the committed one (a retried Ack): nothing changes.</summary>
    AlreadyCommitted,

    /// <summary>The cursor is neither pending nor committed: refused, nothing changes.</summary>
    NotPending,
}

/// <summary>
/// The read half of the two-phase protocol, pure: a committed cursor and at most one pending batch.
/// <list type="bullet">
/// <item>Read with no pending batch: the caller takes records from its read-ahead and <see cref="Stage"/>s
/// them; they become the pending batch, with a pending cursor just past them.</item>
/// <item>Read with a pending batch (a retry, the Ack was lost or never sent): the same batch again.</item>
/// <item>Ack of the pending cursor commits it; Ack of the committed cursor is a no-op; any other
/// cursor is refused. Only an Ack changes the committed cursor.</item>
/// </list>
/// Not thread-safe: the session's shell serialises calls.
/// </summary>
public sealed class ReadSessionState
{
    /// <summary>A session starting at <paramref name="committed"/>.</summary>
    public ReadSessionState(ReadCursor committed)
    {
        Committed = committed;
    }

    /// <summary>Everything before it has been acknowledged.</summary>
    public ReadCursor Committed { get; private set; }

    /// <summary>The batch returned and not yet acknowledged, with its cursor; null when none.</summary>
    public (ReadResponse Batch, ReadCursor Cursor)? Pending { get; private set; }

    /// <summary>
    /// Makes <paramref name="records"/> (in offset order per partition, each from one of the session's
    /// partitions, each at or after its partition's position) the pending batch.
    /// </summary>
    /// <param name="records">The records; may be empty (the pending cursor is then the committed one and nothing is pending).</param>
    /// <param name="seal">Turns a cursor into its token, for the response.</param>
    /// <returns>The response to send, which a retried Read gets again until the Ack.</returns>
    /// <exception cref="InvalidOperationException">A batch is already pending, or a record does not follow its partition's position (a read-ahead bug).</exception>
    public ReadResponse Stage(IReadOnlyList<Record> records, Func<ReadCursor, byte[]> seal)
    {
        if (Pending is not null) throw new InvalidOperationException("a batch is already pending; return it again");
        var response = new ReadResponse();
        if (records.Count == 0)
        {
            response.PendingCursor = Google.Protobuf.ByteString.CopyFrom(seal(Committed));
            return response;
        }
        var next = Committed.NextOffsets.ToBuilder();
        foreach (var record in records)
        {
            var partition = record.Partition;
            if (!next.TryGetValue(partition, out var position))
                throw new InvalidOperationException($"record from partition {partition}, not one of the session's");
            if (record.Offset < position)
                throw new InvalidOperationException($"partition {partition}: offset {record.Offset} is before the position {position}");
            next[partition] = record.Offset + 1;
            response.Records.Add(record);
        }
        var cursor = Committed with { NextOffsets = next.ToImmutable() };
        response.PendingCursor = Google.Protobuf.ByteString.CopyFrom(seal(cursor));
        Pending = (response, cursor);
        return response;
    }

    /// <summary>Acknowledges <paramref name="cursor"/> (a decoded, authenticated token).</summary>
    public ReadAckOutcome Ack(ReadCursor cursor)
    {
        if (Pending is { } pending && pending.Cursor.Equals(cursor))
        {
            Committed = pending.Cursor;
            Pending = null;
            return ReadAckOutcome.Committed;
        }
        return Committed.Equals(cursor) ? ReadAckOutcome.AlreadyCommitted : ReadAckOutcome.NotPending;
    }
}
