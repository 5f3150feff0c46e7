using Bridge.Eventing.Bus.Cursors;
using Bridge.Eventing.V1;

namespace Bridge.Eventing.Bus.Sessions;

/// <summary>A batch written and not yet acknowledged.</summary>
/// <param name="Sequence">Its sequence number.</param>
/// <param name="Records">Its records, as the client sent them.</param>
/// <param name="Bytes">Key and value bytes of all its records.</param>
public sealed record StagedBatch(ulong Sequence, IReadOnlyList<Record> Records, long Bytes)
{
    /// <summary>Where each record landed, once Kafka confirmed it (null until then). Kept across a failed
    /// Ack, so a retry publishes only what did not land.</summary>
    public RecordOffset?[] Landed { get; } = new RecordOffset?[Records.Count];
}

/// <summary>What a Write did.</summary>
public enum WriteOutcome
{
    /// <summary>Staged as the next batch.</summary>
    Staged,

    /// <summary>This sequence is staged already (a retried Write): nothing changes.</summary>
    AlreadyStaged,

    /// <summary>This sequence is acknowledged already (a Write retried after its Ack): nothing changes.</summary>
    AlreadyAcked,

    /// <summary>Not the next sequence: refused.</summary>
    SequenceGap,

    /// <summary>Staging it would pass the session's limit: refused until an Ack.</summary>
    StagingFull,
}

/// <summary>Bounds of one write session's staging.</summary>
/// <param name="MaxStagedBytes">Most key+value bytes staged at once (default 8 MiB).</param>
/// <param name="MaxStagedRecords">Most records staged at once (default 10,000).</param>
public sealed record WriteLimits(long MaxStagedBytes = 8 << 20, int MaxStagedRecords = 10_000);

/// <summary>
/// The write half of the two-phase protocol, pure: the writer's cursor, the batches staged under
/// consecutive sequences, and the answers to the last few Acks so that a retried Ack answers as the
/// first did.
/// <list type="bullet">
/// <item>Write(s): s = next → staged; s already staged or acknowledged → no-op; otherwise a gap.</item>
/// <item>Ack(s): publishes every staged batch up to s (the shell does the publishing and calls
/// <see cref="Complete"/>); s already acknowledged → the remembered answer; s never written → a gap.</item>
/// </list>
/// Not thread-safe: the session's shell serialises calls.
/// </summary>
public sealed class WriteSessionState
{
    private const int RememberedAcks = 16;
    private readonly SortedList<ulong, StagedBatch> _staged = [];
    private readonly Queue<(ulong Sequence, AckResponse Response)> _answers = new();
    private readonly WriteLimits _limits;

    /// <summary>A session resuming (or starting) the writer at <paramref name="cursor"/>.</summary>
    public WriteSessionState(WriteCursor cursor, WriteLimits limits)
    {
        Committed = cursor;
        _limits = limits;
    }

    /// <summary>The writer's cursor as of the last Ack.</summary>
    public WriteCursor Committed { get; private set; }

    /// <summary>The sequence the next Write must carry.</summary>
    public ulong NextSequence => _staged.Count > 0 ? _staged.Keys[^1] + 1 : Committed.AckedSequence + 1;

    /// <summary>Records staged and not acknowledged.</summary>
    public int StagedRecords { get; private set; }

    /// <summary>Key+value bytes staged and not acknowledged.</summary>
    public long StagedBytes { get; private set; }

    /// <summary>Stages <paramref name="records"/> under <paramref name="sequence"/> (validated by the caller).</summary>
    public WriteOutcome Write(ulong sequence, IReadOnlyList<Record> records)
    {
        if (sequence <= Committed.AckedSequence) return WriteOutcome.AlreadyAcked;
        if (_staged.ContainsKey(sequence)) return WriteOutcome.AlreadyStaged;
        if (sequence != NextSequence) return WriteOutcome.SequenceGap;
        var bytes = records.Sum(r => (long)r.Key.Length + r.Value.Length);
        if (StagedRecords > 0 && (StagedBytes + bytes > _limits.MaxStagedBytes || StagedRecords + records.Count > _limits.MaxStagedRecords))
            return WriteOutcome.StagingFull;
        _staged.Add(sequence, new StagedBatch(sequence, records, bytes));
        StagedRecords += records.Count;
        StagedBytes += bytes;
        return WriteOutcome.Staged;
    }

    /// <summary>
    /// What an Ack of <paramref name="sequence"/> needs: the remembered answer of a retried Ack, the
    /// batches to publish (ascending), or nothing when the sequence was never written.
    /// </summary>
    /// <param name="sequence">The sequence to acknowledge.</param>
    /// <param name="seal">Turns the cursor into its token, for the answer to an Ack older than those remembered.</param>
    public (AckResponse? Answer, IReadOnlyList<StagedBatch>? Publish) PlanAck(ulong sequence, Func<WriteCursor, byte[]> seal)
    {
        if (sequence <= Committed.AckedSequence)
        {
            foreach (var (s, response) in _answers)
                if (s == sequence) return (response, null);
            // Acknowledged before the last few Acks (or by an earlier session): the current cursor, no offsets.
            return (new AckResponse { Cursor = Google.Protobuf.ByteString.CopyFrom(seal(Committed)) }, null);
        }
        if (!_staged.ContainsKey(sequence)) return (null, null);
        return (null, _staged.Values.TakeWhile(b => b.Sequence <= sequence).ToList());
    }

    /// <summary>
    /// Completes an Ack of <paramref name="sequence"/> whose batches have all landed (or were spilled):
    /// drops them from staging, advances the cursor and remembers the answer.
    /// </summary>
    /// <param name="sequence">The acknowledged sequence.</param>
    /// <param name="knownEnds">Partition → an offset every partition had reached before the batches were
    /// confirmed (from the node's delivery reports); raises the cursor's scan-from offsets.</param>
    /// <param name="spilled">The batches were spilled to disk rather than confirmed by Kafka.</param>
    /// <param name="seal">Turns the new cursor into its token.</param>
    /// <returns>The Ack's answer.</returns>
    public AckResponse Complete(ulong sequence, IReadOnlyDictionary<int, long> knownEnds, bool spilled, Func<WriteCursor, byte[]> seal)
    {
        var scanFrom = Committed.ScanFrom.ToBuilder();
        var response = new AckResponse { Spilled = spilled };
        while (_staged.Count > 0 && _staged.Keys[0] <= sequence)
        {
            var batch = _staged.Values[0];
            _staged.RemoveAt(0);
            StagedRecords -= batch.Records.Count;
            StagedBytes -= batch.Bytes;
            if (spilled) continue;
            foreach (var landed in batch.Landed)
            {
                if (landed is null) throw new InvalidOperationException($"sequence {batch.Sequence}: a record has not landed");
                response.Offsets.Add(landed);
                Raise(scanFrom, landed.Partition, landed.Offset + 1);
            }
        }
        foreach (var (partition, end) in knownEnds) Raise(scanFrom, partition, end);
        Committed = Committed with { AckedSequence = sequence, ScanFrom = scanFrom.ToImmutable() };
        response.Cursor = Google.Protobuf.ByteString.CopyFrom(seal(Committed));
        _answers.Enqueue((sequence, response));
        if (_answers.Count > RememberedAcks) _answers.Dequeue();
        return response;
    }

    private static void Raise(System.Collections.Immutable.ImmutableSortedDictionary<int, long>.Builder scanFrom, int partition, long offset)
    {
        if (!scanFrom.TryGetValue(partition, out var current) || offset > current) scanFrom[partition] = offset;
    }
}
