namespace Bridge.Eventing.Log.Records;

/// <summary>One validated record batch: its parsed header and its bytes (exactly <c>Header.SizeInBytes</c>).</summary>
/// <param name="Header">The parsed header.</param>
/// <param name="Bytes">The whole batch, header included, as received (baseOffset not yet assigned).</param>
public readonly record struct RecordBatch(RecordBatchHeader Header, ReadOnlyMemory<byte> Bytes);

/// <summary>
/// The outcome of <see cref="RecordBatches.Split"/>: every batch when <see cref="Error"/> is
/// <see cref="RecordBatchError.None"/>, otherwise the first failure and where it starts.
/// </summary>
/// <param name="Batches">The batches in blob order; empty when <see cref="Error"/> is set.</param>
/// <param name="Error">Why the blob is invalid, or None.</param>
/// <param name="ErrorPosition">Byte offset in the blob of the batch that failed (-1 when valid).</param>
public readonly record struct RecordBatchSplit(IReadOnlyList<RecordBatch> Batches, RecordBatchError Error, int ErrorPosition)
{
    /// <summary>Whether every batch is valid.</summary>
    public bool IsValid => Error == RecordBatchError.None;

    /// <summary>Total bytes of all batches.</summary>
    public int SizeInBytes => Batches.Sum(b => b.Bytes.Length);
}

/// <summary>Splits the <c>records</c> field of a Produce request into validated batches.</summary>
public static class RecordBatches
{
    /// <summary>
    /// Splits <paramref name="records"/> (one or more RecordBatch v2, back to back) and validates each
    /// header and CRC-32C with <see cref="RecordBatchHeader.TryParse"/>. All or nothing: the first
    /// invalid batch makes the whole blob invalid (Kafka rejects the whole partition's records too).
    /// A trailing partial batch is <see cref="RecordBatchError.Incomplete"/> (Kafka silently trims it;
    /// no real client sends one, so we refuse it), an empty blob is <see cref="RecordBatchError.NoBatches"/>.
    /// Kafka's Produce v3+ allows exactly one batch per partition; that rule is the broker's to apply
    /// (<c>Batches.Count == 1</c>). The returned batches share memory with <paramref name="records"/>. Never throws.
    /// </summary>
    public static RecordBatchSplit Split(ReadOnlyMemory<byte> records)
    {
        if (records.IsEmpty)
            return new RecordBatchSplit([], RecordBatchError.NoBatches, 0);
        var batches = new List<RecordBatch>(1);
        var position = 0;
        while (position < records.Length)
        {
            var rest = records[position..];
            var error = RecordBatchHeader.TryParse(rest.Span, out var header);
            if (error != RecordBatchError.None)
                return new RecordBatchSplit([], error, position);
            batches.Add(new RecordBatch(header, rest[..header.SizeInBytes]));
            position += header.SizeInBytes;
        }
        return new RecordBatchSplit(batches, RecordBatchError.None, -1);
    }
}
