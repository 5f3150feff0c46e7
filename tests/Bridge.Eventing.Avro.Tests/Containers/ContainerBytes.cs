using System.Buffers;
using System.IO.Compression;
using System.Text;
using Bridge.Eventing.Avro.Binary;

namespace Bridge.Eventing.Avro.Tests.Containers;

/// <summary>
/// Builds container files byte by byte, independently of AvroContainerWriter, so tests can write
/// exactly the malformed file they need: any magic, metadata, sync marker, block count and size.
/// </summary>
public sealed class ContainerBytes
{
    private readonly ArrayBufferWriter<byte> _bytes = new();

    public static readonly byte[] Sync = Enumerable.Range(0xA0, 16).Select(b => (byte)b).ToArray();

    public ContainerBytes Raw(params byte[] bytes)
    {
        _bytes.Write(bytes);
        return this;
    }

    public ContainerBytes Long(long value)
    {
        new AvroBinaryWriter(_bytes).WriteLong(value);
        return this;
    }

    /// <summary>Magic, a one-block metadata map of <paramref name="entries"/>, and <see cref="Sync"/>.</summary>
    public ContainerBytes Header(params (string Key, string Value)[] entries)
    {
        Raw("Obj\x01"u8.ToArray());
        var writer = new AvroBinaryWriter(_bytes);
        writer.WriteLong(entries.Length);
        foreach (var (key, value) in entries)
        {
            writer.WriteString(key);
            writer.WriteBytes(Encoding.UTF8.GetBytes(value));
        }
        writer.WriteLong(0);
        return Raw(Sync);
    }

    /// <summary>A block of <paramref name="count"/> datums whose data is <paramref name="data"/>, then <paramref name="sync"/> (default: <see cref="Sync"/>).</summary>
    public ContainerBytes Block(long count, byte[] data, byte[]? sync = null) => Long(count).Long(data.Length).Raw(data).Raw(sync ?? Sync);

    public byte[] ToArray() => _bytes.WrittenSpan.ToArray();

    public static byte[] Deflate(byte[] data, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, level, leaveOpen: true)) deflate.Write(data);
        return output.ToArray();
    }
}

/// <summary>A stream that can only be read forward, as a socket or pipe is.</summary>
public sealed class ForwardOnlyStream(byte[] bytes) : Stream
{
    private readonly MemoryStream _inner = new(bytes, writable: false);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }

    // At most 7 bytes a call, so every read path meets short reads.
    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
