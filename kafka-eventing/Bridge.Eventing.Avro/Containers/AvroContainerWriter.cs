using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Bridge.Eventing.Avro.Binary;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Containers;

/// <summary>
/// Writes an Avro object container file (Avro 1.11 specification, "Object Container Files") to a
/// stream: the header (magic <c>Obj\x01</c>; metadata <c>avro.schema</c> with the schema's full
/// JSON, <c>avro.codec</c>, and the user's entries; a random 16-byte sync marker) at construction,
/// then blocks of (datum count, byte size, datums, sync marker), each written once its datums
/// reach <see cref="ContainerWriterOptions.BlockSize"/> bytes, and on <see cref="Flush"/> and
/// <see cref="Dispose"/>. An empty file (no datums) is a valid file. Not thread-safe.
/// </summary>
public sealed class AvroContainerWriter : IDisposable
{
    private readonly Stream _output;
    private readonly ContainerWriterOptions _options;
    private readonly DatumWriter _datumWriter;
    private readonly byte[] _sync = RandomNumberGenerator.GetBytes(ContainerFormat.SyncSize);
    private readonly BlockBuffer _block = new();
    private readonly BlockBuffer _scratch = new();
    private readonly MemoryStream _compressed = new();
    private long _count;
    private bool _disposed;

    /// <summary>
    /// Writes the header for datums of <paramref name="schema"/> to <paramref name="output"/>.
    /// ArgumentException when <see cref="ContainerWriterOptions.Metadata"/> has a reserved
    /// (<c>avro.</c>) key; ArgumentOutOfRangeException when the block size is not 1 to 1 GiB;
    /// the stream's own exceptions pass through.
    /// </summary>
    public AvroContainerWriter(Stream output, AvroSchema schema, ContainerWriterOptions? options = null)
    {
        _options = options ?? ContainerWriterOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.BlockSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.BlockSize, 1 << 30, nameof(options));
        foreach (var key in _options.Metadata.Keys)
            if (key.StartsWith(ContainerFormat.ReservedPrefix, StringComparison.Ordinal))
                throw new ArgumentException($"metadata key '{key}' is reserved: keys starting with 'avro.' belong to the format", nameof(options));
        _output = output;
        Schema = schema;
        _datumWriter = new DatumWriter(schema);
        WriteHeader();
    }

    /// <summary>The schema every datum is written with (stored in the header as <c>avro.schema</c>).</summary>
    public AvroSchema Schema { get; }

    /// <summary>How blocks are compressed.</summary>
    public ContainerCodec Codec => _options.Codec;

    /// <summary>
    /// Adds <paramref name="datum"/> to the current block, writing the block out if it has reached
    /// the block size. AvroEncodeException (naming the path) when the datum does not fit the
    /// schema; nothing of it is then kept, and the writer stays usable.
    /// </summary>
    public void Append(object? datum)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var mark = _block.Length;
        try
        {
            _datumWriter.Write(datum, _block);
        }
        catch (AvroEncodeException)
        {
            _block.Truncate(mark);
            throw;
        }
        _count++;
        if (_block.Length >= _options.BlockSize) WriteBlock();
    }

    /// <summary>Writes the datums appended since the last block as a block (if there are any), then flushes the stream.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        WriteBlock();
        _output.Flush();
    }

    /// <summary>Writes the last block, flushes, and disposes the stream unless <see cref="ContainerWriterOptions.LeaveOpen"/>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        try
        {
            WriteBlock();
            _output.Flush();
        }
        finally
        {
            _disposed = true;
            if (!_options.LeaveOpen) _output.Dispose();
        }
    }

    private void WriteHeader()
    {
        var writer = new AvroBinaryWriter(_scratch);
        writer.WriteFixed(ContainerFormat.Magic);
        // The metadata is a map of bytes, written as one block.
        writer.WriteLong(2 + _options.Metadata.Count);
        writer.WriteString(ContainerFormat.SchemaKey);
        writer.WriteBytes(Encoding.UTF8.GetBytes(Schema.ToJson()));
        writer.WriteString(ContainerFormat.CodecKey);
        writer.WriteBytes(Encoding.UTF8.GetBytes(ContainerCodecNames.NameOf(_options.Codec)));
        foreach (var (key, value) in _options.Metadata)
        {
            writer.WriteString(key);
            writer.WriteBytes(value);
        }
        writer.WriteLong(0);
        writer.WriteFixed(_sync);
        _output.Write(_scratch.WrittenSpan);
        _scratch.Truncate(0);
    }

    private void WriteBlock()
    {
        if (_count == 0) return;
        var data = _block.WrittenSpan;
        if (_options.Codec == ContainerCodec.Deflate)
        {
            _compressed.SetLength(0);
            using (var deflate = new DeflateStream(_compressed, _options.CompressionLevel, leaveOpen: true)) deflate.Write(data);
            data = _compressed.GetBuffer().AsSpan(0, (int)_compressed.Length);
        }
        var writer = new AvroBinaryWriter(_scratch);
        writer.WriteLong(_count);
        writer.WriteLong(data.Length);
        _output.Write(_scratch.WrittenSpan);
        _output.Write(data);
        _output.Write(_sync);
        _scratch.Truncate(0);
        _block.Truncate(0);
        _count = 0;
    }
}
