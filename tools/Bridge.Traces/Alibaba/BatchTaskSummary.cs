namespace Bridge.Traces.Alibaba;

/// <summary>
/// Counts over the lines of a batch-task table: data rows read, rows used, rows skipped by reason.
/// Invariant: <see cref="RowsRead"/> = <see cref="RowsUsed"/> + Σ <see cref="Skipped"/>.
/// Not thread-safe (one per reader; combine partial summaries with <see cref="Add(BatchTaskSummary)"/>).
/// </summary>
public sealed class BatchTaskSummary
{
    private readonly long[] _skipped = new long[Enum.GetValues<BatchTaskSkipReason>().Length];

    /// <summary>Data lines seen (the header not included).</summary>
    public long RowsRead { get; private set; }

    /// <summary>Lines that became a <see cref="BatchTaskRow"/>.</summary>
    public long RowsUsed { get; private set; }

    /// <summary>Lines skipped, by reason; every reason is present, with 0 when none.</summary>
    public IReadOnlyDictionary<BatchTaskSkipReason, long> Skipped =>
        Enum.GetValues<BatchTaskSkipReason>().ToDictionary(r => r, r => _skipped[(int)r]);

    /// <summary>All lines skipped, whatever the reason.</summary>
    public long RowsSkipped => _skipped.Sum();

    /// <summary>Counts one line.</summary>
    public void Add(BatchTaskLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        RowsRead++;
        switch (line)
        {
            case BatchTaskRow: RowsUsed++; break;
            case BatchTaskSkip skip: _skipped[(int)skip.Reason]++; break;
            default: throw new ArgumentException($"Unknown line kind {line.GetType().Name}.", nameof(line));
        }
    }

    /// <summary>Adds a skip count directly (reading a summary back from a file).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void AddSkipped(BatchTaskSkipReason reason, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _skipped[(int)reason] += count;
        RowsRead += count;
    }

    /// <summary>Adds used rows directly (reading a summary back from a file).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void AddUsed(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        RowsUsed += count;
        RowsRead += count;
    }

    /// <summary>Adds another summary's counts to this one (partial summaries of disjoint row ranges).</summary>
    public void Add(BatchTaskSummary other)
    {
        ArgumentNullException.ThrowIfNull(other);
        AddUsed(other.RowsUsed);
        foreach (var (reason, count) in other.Skipped) AddSkipped(reason, count);
    }

    /// <summary>Summarises every line of <paramref name="lines"/> (enumerating it once).</summary>
    public static BatchTaskSummary Of(IEnumerable<BatchTaskLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var summary = new BatchTaskSummary();
        foreach (var line in lines) summary.Add(line);
        return summary;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"read={RowsRead} used={RowsUsed} skipped={RowsSkipped} (" +
        string.Join(", ", Skipped.Where(kv => kv.Value > 0).Select(kv => $"{kv.Key}={kv.Value}")) + ")";
}
