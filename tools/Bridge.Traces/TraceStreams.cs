using System.IO.Compression;

namespace Bridge.Traces;

/// <summary>Opens trace files that may or may not be gzip-compressed, deciding by content.</summary>
public static class TraceStreams
{
    // RFC 1952 section 2.3.1: every gzip member starts with ID1 = 0x1f, ID2 = 0x8b.
    private const byte GzipId1 = 0x1f;
    private const byte GzipId2 = 0x8b;

    /// <summary>
    /// Wraps <paramref name="stream"/> so it reads the uncompressed bytes: when its first two
    /// bytes are the gzip magic (1f 8b, RFC 1952) the result decompresses (concatenated members
    /// included), otherwise it returns the bytes as they are. The file name plays no part. Reads
    /// at most two bytes ahead; works on streams that cannot seek. Disposing the result disposes
    /// <paramref name="stream"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">On read, when the gzip data is corrupt.</exception>
    public static Stream Decompressed(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var head = new byte[2];
        int got = 0;
        while (got < head.Length)
        {
            int n = stream.Read(head, got, head.Length - got);
            if (n == 0) break;
            got += n;
        }
        var rejoined = new PrefixedStream(head.AsSpan(0, got).ToArray(), stream);
        bool gzip = got == 2 && head[0] == GzipId1 && head[1] == GzipId2;
        return gzip ? new GZipStream(rejoined, CompressionMode.Decompress) : rejoined;
    }

    /// <summary>Opens the file at <paramref name="path"/> for sequential reading, decompressed as <see cref="Decompressed"/> does.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static Stream OpenFile(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            return Decompressed(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>A read-only stream that gives a few bytes already read, then the rest of the inner stream.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream inner) : Stream
    {
        private int _prefixUsed;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_prefixUsed < prefix.Length)
            {
                int n = Math.Min(buffer.Length, prefix.Length - _prefixUsed);
                prefix.AsSpan(_prefixUsed, n).CopyTo(buffer);
                _prefixUsed += n;
                // Fill the rest from the inner stream too: a reader that sniffs a byte-order mark
                // (StreamReader needs 3 bytes for UTF-8's) looks only at its first read.
                return n == buffer.Length ? n : n + inner.Read(buffer[n..]);
            }
            return inner.Read(buffer);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
