using System.Text;

namespace Bridge.Yarn.Applications.MapReduce;

/// <summary>One line of text input (Hadoop's <c>LongWritable</c> offset key and <c>Text</c> value).</summary>
/// <param name="Offset">Byte offset of the line's first byte in the file.</param>
/// <param name="Text">The line without its terminator, decoded from UTF-8 with invalid bytes replaced by U+FFFD (as <c>Text.toString()</c> does).</param>
public readonly record struct TextLine(long Offset, string Text);

/// <summary>
/// Reads the lines of a <see cref="FileSplit"/> as Hadoop's <c>LineRecordReader</c> does with the
/// default delimiters, so that every line of a file is read by exactly one split:
/// <list type="bullet">
/// <item>a line ends at LF, CR, or CRLF (<c>LineReader.readDefaultLine</c>); the last line may have no terminator;</item>
/// <item>a split that does not start at byte 0 skips its first (partial or whole) line — the previous split reads it;</item>
/// <item>a split reads every line that starts at or before its end, so the line starting exactly at a
///   boundary, or crossing it, belongs to the earlier split: line starts in (start, end], plus 0 for the first split;</item>
/// <item>a UTF-8 byte-order mark (EF BB BF) at the start of the file is dropped.</item>
/// </list>
/// Uncompressed input only (Hadoop picks a codec by file extension; that is not done here).
/// </summary>
public static class LineSplitReader
{
    private const int BufferBytes = 1 << 16;

    /// <summary>The lines of <paramref name="split"/>, lazily, in file order. The file is opened on the first <c>MoveNext</c>.</summary>
    /// <exception cref="IOException">On enumeration, the file cannot be read.</exception>
    public static IEnumerable<TextLine> Read(FileSplit split)
    {
        ArgumentNullException.ThrowIfNull(split);
        using var file = new FileStream(split.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        file.Seek(split.Start, SeekOrigin.Begin);
        var bytes = new ByteReader(file);
        var line = new MemoryStream();
        long position = split.Start;
        if (position != 0) position += bytes.ReadLine(line);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
        while (position <= split.End)
        {
            long offset = position;
            int consumed = bytes.ReadLine(line);
            if (consumed == 0) yield break; // end of file
            position += consumed;
            var text = line.GetBuffer().AsSpan(0, (int)line.Length);
            if (offset == 0 && text.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) text = text[3..];
            yield return new TextLine(offset, utf8.GetString(text));
        }
    }

    /// <summary>A forward-only byte source with the one byte of look-ahead CRLF needs.</summary>
    private sealed class ByteReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[BufferBytes];
        private int _position, _count;

        private int Peek()
        {
            if (_position == _count)
            {
                _count = stream.Read(_buffer, 0, _buffer.Length);
                _position = 0;
                if (_count == 0) return -1;
            }
            return _buffer[_position];
        }

        /// <summary>Reads one line into <paramref name="line"/> (cleared first, terminator left out); returns the bytes consumed, terminator included; 0 at end of input.</summary>
        public int ReadLine(MemoryStream line)
        {
            line.SetLength(0);
            int consumed = 0;
            while (true)
            {
                int b = Peek();
                if (b < 0) return consumed;
                _position++;
                consumed++;
                if (b == '\n') return consumed;
                if (b == '\r')
                {
                    if (Peek() == '\n')
                    {
                        _position++;
                        consumed++;
                    }
                    return consumed;
                }
                line.WriteByte((byte)b);
            }
        }
    }
}
