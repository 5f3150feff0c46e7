using System.Globalization;
using System.Text;

namespace Bridge.Traces.Alibaba;

/// <summary>
/// Streaming reader of the Alibaba cluster-trace-v2017 batch-task table (<c>batch_task.csv</c>,
/// columns as in Alibaba's <c>trace_201708.md</c> and <c>schema.csv</c>), in the form Bridge ships
/// it (<c>examples/data/alibaba-2017-batch_task.csv.gz</c>): a header line, then one task per line,
/// 8 comma-separated fields, LF or CRLF line ends, plain or gzip-compressed (decided by content).
/// Each data line becomes a <see cref="BatchTaskRow"/> or a <see cref="BatchTaskSkip"/> with its
/// line number and reason; nothing missing is ever read as zero.
/// </summary>
public static class AlibabaBatchTasks
{
    /// <summary>The column names, in order, as the header line spells them (compared after trimming spaces).</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "task_create_time", "task_end_time", "job_id", "task_id", "number_of_instances", "status",
        "number_of_cpus_requested_per_instance_in_the_task", "normalized_memory_requested_per_instance_in_the_task",
    ];

    /// <summary>
    /// Reads the table at <paramref name="path"/> (plain or gzip, by content), lazily: the file is
    /// opened on the first <c>MoveNext</c> and closed when the enumeration ends or is disposed.
    /// Yields one <see cref="BatchTaskLine"/> per data line, in file order.
    /// </summary>
    /// <exception cref="FileNotFoundException">On enumeration, the file does not exist.</exception>
    /// <exception cref="InvalidDataException">On enumeration, the file is empty or its first line is not the header <see cref="Columns"/> (the message shows what was found), or the gzip data is corrupt.</exception>
    public static IEnumerable<BatchTaskLine> ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = TraceStreams.OpenFile(path);
        foreach (var line in ReadDecompressed(stream)) yield return line;
    }

    /// <summary>
    /// Reads the table from <paramref name="stream"/> (plain or gzip, by content), lazily, as
    /// <see cref="ReadFile"/> does. The caller keeps ownership of the stream.
    /// </summary>
    /// <exception cref="InvalidDataException">On enumeration, as for <see cref="ReadFile"/>.</exception>
    public static IEnumerable<BatchTaskLine> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadDecompressed(TraceStreams.Decompressed(new NonClosingStream(stream)));
    }

    private static IEnumerable<BatchTaskLine> ReadDecompressed(Stream stream)
    {
        using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        CheckHeader(reader.ReadLine());
        long lineNumber = 1;
        while (reader.ReadLine() is { } text)
        {
            lineNumber++;
            yield return ParseLine(text, lineNumber);
        }
    }

    /// <summary>Checks that <paramref name="firstLine"/> is the header: <see cref="Columns"/> in order, each trimmed of spaces.</summary>
    /// <exception cref="InvalidDataException">The line is missing (empty input) or differs; the message names the first differing column.</exception>
    public static void CheckHeader(string? firstLine)
    {
        if (firstLine is null)
            throw new InvalidDataException("Alibaba batch-task table: empty input, expected the header line " + string.Join(',', Columns));
        var names = firstLine.Split(',');
        for (int i = 0; i < Math.Max(names.Length, Columns.Count); i++)
        {
            string? found = i < names.Length ? names[i].Trim() : null;
            string? expected = i < Columns.Count ? Columns[i] : null;
            if (found != expected)
                throw new InvalidDataException(
                    $"Alibaba batch-task table: line 1 is not the header: column {i + 1} is '{found ?? "(missing)"}', expected '{expected ?? "(none)"}'.");
        }
    }

    /// <summary>
    /// Parses one data line (without its line end). Fields are trimmed of spaces. Integer fields
    /// (times, ids, instances, CPU hundredths) accept an optional sign and digits only; memory is a
    /// decimal. A line with several problems gets the first reason in
    /// <see cref="BatchTaskSkip.Reason"/>'s order. Pure; never throws on content.
    /// </summary>
    /// <param name="text">The line's text.</param>
    /// <param name="lineNumber">Its 1-based line number in the file, carried into the result.</param>
    public static BatchTaskLine ParseLine(string text, long lineNumber)
    {
        ArgumentNullException.ThrowIfNull(text);
        var fields = text.Split(',');
        if (fields.Length != Columns.Count)
            return Skip(lineNumber, BatchTaskSkipReason.WrongColumnCount, $"{fields.Length} fields, expected {Columns.Count}");
        for (int i = 0; i < fields.Length; i++) fields[i] = fields[i].Trim();

        if (!TryInteger(fields, 0, out long create, out var skip, lineNumber)
            || !TryInteger(fields, 1, out long end, out skip, lineNumber)
            || !TryInteger(fields, 2, out long job, out skip, lineNumber)
            || !TryInteger(fields, 3, out long task, out skip, lineNumber)
            || !TryInteger(fields, 4, out long instances, out skip, lineNumber))
            return skip!;
        bool cpuEmpty = fields[6].Length == 0, memoryEmpty = fields[7].Length == 0;
        long cpu = 0;
        double memory = 0;
        if (!cpuEmpty && !TryInteger(fields, 6, out cpu, out skip, lineNumber)) return skip!;
        if (!memoryEmpty && !TryFraction(fields[7], out memory))
            return Skip(lineNumber, BatchTaskSkipReason.MalformedNumber, $"{Columns[7]} '{fields[7]}' is not a decimal number");

        if (instances < 1)
            return Skip(lineNumber, BatchTaskSkipReason.OutOfRange, $"{Columns[4]} {instances} < 1");
        if (!cpuEmpty && cpu < 0)
            return Skip(lineNumber, BatchTaskSkipReason.OutOfRange, $"{Columns[6]} {cpu} < 0");
        if (!memoryEmpty && memory is < 0 or > 1)
            return Skip(lineNumber, BatchTaskSkipReason.OutOfRange, $"{Columns[7]} {fields[7]} outside 0..1");
        if (!Enum.TryParse<BatchTaskStatus>(fields[5], ignoreCase: false, out var status) || !Enum.IsDefined(status) || !IsName(fields[5]))
            return Skip(lineNumber, BatchTaskSkipReason.UnknownStatus, $"{Columns[5]} '{fields[5]}'");
        if (cpuEmpty || memoryEmpty)
            return Skip(lineNumber, BatchTaskSkipReason.EmptyRequest,
                cpuEmpty && memoryEmpty ? "cpu and memory requests empty" : cpuEmpty ? "cpu request empty" : "memory request empty");
        if (end < create)
            return Skip(lineNumber, BatchTaskSkipReason.EndBeforeCreate, $"{Columns[1]} {end} < {Columns[0]} {create}");

        return new BatchTaskRow(lineNumber, create, end, new BatchJobId(job), new BatchTaskId(task), instances, status, cpu, memory);
    }

    private static BatchTaskSkip Skip(long lineNumber, BatchTaskSkipReason reason, string detail) => new(lineNumber, reason, detail);

    // Enum.TryParse also takes numbers ("3") and comma lists; only the exact names are statuses.
    private static bool IsName(string text) => text.Length > 0 && char.IsAsciiLetterUpper(text[0]) && text.All(char.IsAsciiLetter);

    private static bool TryInteger(string[] fields, int column, out long value, out BatchTaskSkip? skip, long lineNumber)
    {
        if (long.TryParse(fields[column], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            skip = null;
            return true;
        }
        skip = Skip(lineNumber, BatchTaskSkipReason.MalformedNumber, $"{Columns[column]} '{fields[column]}' is not an integer");
        return false;
    }

    private static bool TryFraction(string text, out double value) =>
        double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
            CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>Keeps the caller's stream open when the reader's wrappers are disposed.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
