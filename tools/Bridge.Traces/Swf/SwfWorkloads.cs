using System.Globalization;
using System.Text;

namespace Bridge.Traces.Swf;

/// <summary>
/// Streaming reader of the Parallel Workloads Archive's Standard Workload Format, version 2.2
/// (https://www.cs.huji.ac.il/labs/parallel/workload/swf.html): ASCII, one job per line as 18 whitespace-separated
/// numeric fields, -1 for a field the log does not know, comment lines starting with ';' (the header comments
/// <c>; Key: value</c> come first), plain or gzip-compressed (decided by content, as the archive ships <c>.swf.gz</c>).
/// Each line becomes an <see cref="SwfComment"/>, an <see cref="SwfJob"/> or an <see cref="SwfSkip"/> with its line
/// number and reason; blank lines yield nothing; an unknown value is null, never read as a number.
/// </summary>
public static class SwfWorkloads
{
    /// <summary>The 18 fields' names, in order (1-based in the spec), for messages.</summary>
    public static IReadOnlyList<string> Fields { get; } =
    [
        "job number", "submit time", "wait time", "run time", "allocated processors", "average CPU time", "used memory",
        "requested processors", "requested time", "requested memory", "status", "user", "group", "executable", "queue",
        "partition", "preceding job", "think time",
    ];

    // Fields that are times: SWF allows decimals there; every other field is an integer.
    private static readonly HashSet<int> TimeFields = [1, 2, 3, 5, 8, 17];

    /// <summary>Reads the file at <paramref name="path"/> (plain or gzip), lazily; the file is closed when the enumeration ends.</summary>
    /// <exception cref="FileNotFoundException">On enumeration, the file does not exist.</exception>
    /// <exception cref="InvalidDataException">On enumeration, the gzip data is corrupt.</exception>
    public static IEnumerable<SwfLine> ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = TraceStreams.OpenFile(path);
        foreach (var line in ReadDecompressed(stream)) yield return line;
    }

    /// <summary>Reads SWF text from <paramref name="reader"/> (already decompressed; the caller keeps ownership), lazily.</summary>
    public static IEnumerable<SwfLine> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        long lineNumber = 0;
        while (reader.ReadLine() is { } text)
        {
            lineNumber++;
            if (ParseLine(text, lineNumber) is { } line) yield return line;
        }
    }

    private static IEnumerable<SwfLine> ReadDecompressed(Stream stream)
    {
        using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        foreach (var line in Read(reader)) yield return line;
    }

    /// <summary>
    /// Parses one line (without its line end): a comment, a job, a skip with the first problem found, or null for a
    /// blank line. Pure; never throws on content.
    /// </summary>
    /// <param name="text">The line's text.</param>
    /// <param name="lineNumber">Its 1-based line number, carried into the result.</param>
    public static SwfLine? ParseLine(string text, long lineNumber)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length == 0) return null;
        if (trimmed[0] == ';') return Comment(trimmed[1..].Trim(), lineNumber);

        var fields = trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != Fields.Count)
            return new SwfSkip(lineNumber, SwfSkipReason.WrongFieldCount, $"{fields.Length} fields, expected {Fields.Count}");
        var values = new double[fields.Length];
        for (int i = 0; i < fields.Length; i++)
        {
            var style = TimeFields.Contains(i) ? NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint : NumberStyles.AllowLeadingSign;
            if (!double.TryParse(fields[i], style, CultureInfo.InvariantCulture, out values[i]))
                return new SwfSkip(lineNumber, SwfSkipReason.MalformedNumber,
                    $"field {i + 1} ({Fields[i]}) '{fields[i]}' is not {(TimeFields.Contains(i) ? "a number" : "an integer")}");
            if (values[i] < -1)
                return new SwfSkip(lineNumber, SwfSkipReason.OutOfRange, $"field {i + 1} ({Fields[i]}) {fields[i]} is below -1");
        }
        if (values[0] < 1) return new SwfSkip(lineNumber, SwfSkipReason.OutOfRange, $"field 1 (job number) {fields[0]} is not a counter from 1");
        if (values[1] < 0) return new SwfSkip(lineNumber, SwfSkipReason.OutOfRange, "field 2 (submit time) is unknown (-1)");
        foreach (var i in (int[])[4, 7])
            if (values[i] == 0) return new SwfSkip(lineNumber, SwfSkipReason.OutOfRange, $"field {i + 1} ({Fields[i]}) is 0");
        if (values[10] is > 5) return new SwfSkip(lineNumber, SwfSkipReason.OutOfRange, $"field 11 (status) {fields[10]} is not -1 or 0-5");

        double? Time(int i) => values[i] < 0 ? null : values[i];
        long? Integer(int i) => values[i] < 0 ? null : (long)values[i];
        return new SwfJob(lineNumber, (long)values[0], values[1], Time(2), Time(3), Integer(4), Time(5), Integer(6), Integer(7), Time(8), Integer(9),
            values[10] < 0 ? null : (SwfStatus)(int)values[10], Integer(11), Integer(12), Integer(13), Integer(14), Integer(15), Integer(16), Time(17));
    }

    private static SwfComment Comment(string text, long lineNumber)
    {
        var colon = text.IndexOf(':');
        var key = colon > 0 ? text[..colon].Trim() : null;
        return key is { Length: > 0 } && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? new SwfComment(lineNumber, key, text[(colon + 1)..].Trim())
            : new SwfComment(lineNumber, null, text);
    }
}
