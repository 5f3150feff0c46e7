using System.IO.Compression;
using System.Text;
using Bridge.Eventing.Avro.Binary;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Containers;

/// <summary>
/// Reads an Avro object container file (Avro 1.11 specification, "Object Container Files") from a
/// stream, which need not be seekable: the header at construction (<see cref="WriterSchema"/>,
/// <see cref="Codec"/>, <see cref="Metadata"/>), then the datums block by block, each returned as
/// the reader schema describes it (schema resolution, as <see cref="DatumReader"/>). Strict: the
/// magic, the metadata, the codec name, every block's count and size (bounded by
/// <see cref="ContainerReaderLimits"/> before anything is allocated), the decompressed size, the
/// sync marker after every block, and that each block's datums fill it exactly; anything else is an
/// <see cref="AvroContainerException"/> with the file offset. Not thread-safe.
/// </summary>
public sealed class AvroContainerReader : IDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly ContainerInput _input;
    private readonly ContainerReaderLimits _limits;
    private readonly DatumReader _datumReader;
    private readonly byte[] _sync = new byte[ContainerFormat.SyncSize];
    private readonly int _datumMinBytes;
    private byte[] _raw = [];
    private byte[] _inflated = [];
    private byte[] _block = [];
    private int _blockLength;
    private int _position;
    private long _remaining;
    private long _blockOffset;
    private long _blockIndex = -1;

    /// <summary>
    /// Reads the header of the file in <paramref name="stream"/>; datums will be returned as
    /// <paramref name="readerSchema"/> (default: the file's own schema) within <paramref name="limits"/>
    /// (default: <see cref="ContainerReaderLimits.Default"/>). AvroContainerException when the header
    /// is malformed, its schema invalid or its codec unsupported; AvroResolutionException when the
    /// file's schema cannot be read as <paramref name="readerSchema"/>. The stream is disposed with
    /// the reader unless <paramref name="leaveOpen"/>.
    /// </summary>
    public AvroContainerReader(Stream stream, AvroSchema? readerSchema = null, ContainerReaderLimits? limits = null, bool leaveOpen = false)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _input = new ContainerInput(stream);
        _limits = limits ?? ContainerReaderLimits.Default;
        Metadata = ReadHeader();
        WriterSchema = ParseSchema();
        Codec = ParseCodec();
        _datumReader = new DatumReader(WriterSchema, readerSchema, _limits.Datum);
        _datumMinBytes = MinimumSize.Of(WriterSchema);
    }

    /// <summary>The schema the file was written with (its <c>avro.schema</c>).</summary>
    public AvroSchema WriterSchema { get; }

    /// <summary>The schema datums are returned as.</summary>
    public AvroSchema ReaderSchema => _datumReader.ReaderSchema;

    /// <summary>How the file's blocks are compressed (its <c>avro.codec</c>; <c>null</c> when absent).</summary>
    public ContainerCodec Codec { get; }

    /// <summary>Every metadata entry of the header, <c>avro.schema</c> and <c>avro.codec</c> included, as bytes.</summary>
    public IReadOnlyDictionary<string, byte[]> Metadata { get; }

    /// <summary>
    /// The next datum, or false at the end of the file. AvroContainerException on a malformed
    /// block, a wrong sync marker, a datum that does not decode, or a truncated file.
    /// </summary>
    public bool TryRead(out object? datum)
    {
        while (_remaining == 0)
        {
            if (!NextBlock())
            {
                datum = null;
                return false;
            }
        }
        var start = _position;
        var reader = new AvroBinaryReader(_block.AsSpan(_position, _blockLength - _position));
        try
        {
            datum = _datumReader.Read(ref reader);
        }
        catch (AvroDecodeException e)
        {
            throw new AvroContainerException(_blockOffset,
                $"block {_blockIndex}: byte {start + e.Offset} of its {(Codec == ContainerCodec.Null ? "" : "decompressed ")}data: {e.Detail}", e);
        }
        _position += reader.Position;
        if (--_remaining == 0 && _position != _blockLength)
            throw new AvroContainerException(_blockOffset, $"block {_blockIndex}: {_blockLength - _position} bytes left after its last datum");
        return true;
    }

    /// <summary>The datums from here to the end of the file, read as they are enumerated (exceptions as <see cref="TryRead"/>).</summary>
    public IEnumerable<object?> ReadAll()
    {
        while (TryRead(out var datum)) yield return datum;
    }

    /// <summary>Disposes the stream unless the reader was made with leaveOpen.</summary>
    public void Dispose()
    {
        if (!_leaveOpen) _stream.Dispose();
    }

    private Dictionary<string, byte[]> ReadHeader()
    {
        Span<byte> magic = stackalloc byte[4];
        if (_input.AtEnd()) throw new AvroContainerException(0, "the file is empty");
        _input.ReadExactly(magic, "the magic");
        if (!magic.SequenceEqual(ContainerFormat.Magic))
            throw new AvroContainerException(0, $"not an Avro object container file: it starts {Convert.ToHexString(magic)}, not 4F626A01 ('Obj' 1)");
        var metadata = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        long count;
        while ((count = _input.ReadLong("the metadata's block count")) != 0)
        {
            if (count < 0)
            {
                if (count == long.MinValue) throw new AvroContainerException(_input.Offset, "the metadata's block count is out of range");
                count = -count;
                var size = _input.ReadLong("the metadata's block size");
                if (size < 0) throw new AvroContainerException(_input.Offset, $"the metadata's block size is negative: {size}");
            }
            // Each entry takes at least two bytes (two lengths), so the budget bounds the count.
            if (count > HeaderBudget() / 2)
                throw new AvroContainerException(_input.Offset, $"a metadata block of {count} entries exceeds the header limit of {_limits.MaxHeaderBytes} bytes");
            for (var i = 0; i < count; i++)
            {
                var keyOffset = _input.Offset;
                var key = DecodeKey(ReadHeaderBytes("a metadata key"), keyOffset);
                var value = ReadHeaderBytes($"the value of metadata '{key}'");
                if (!metadata.TryAdd(key, value))
                    throw new AvroContainerException(keyOffset, $"metadata key '{key}' appears twice");
            }
        }
        _input.ReadExactly(_sync, "the header's sync marker");
        return metadata;
    }

    private long HeaderBudget() => _limits.MaxHeaderBytes - (_input.Offset - 4);

    private byte[] ReadHeaderBytes(string what)
    {
        var start = _input.Offset;
        var length = _input.ReadLong($"the length of {what}");
        if (length < 0) throw new AvroContainerException(start, $"the length of {what} is negative: {length}");
        if (length > HeaderBudget())
            throw new AvroContainerException(start, $"{what} of {length} bytes exceeds the header limit of {_limits.MaxHeaderBytes} bytes");
        var bytes = Array.Empty<byte>();
        _input.ReadInto(ref bytes, (int)length, what);
        return bytes;
    }

    private static string DecodeKey(byte[] bytes, long offset)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new AvroContainerException(offset, "a metadata key is not valid UTF-8");
        }
    }

    private AvroSchema ParseSchema()
    {
        if (!Metadata.TryGetValue(ContainerFormat.SchemaKey, out var bytes))
            throw new AvroContainerException(4, "the header has no avro.schema");
        try
        {
            return AvroSchema.Parse(StrictUtf8.GetString(bytes));
        }
        catch (Exception e) when (e is AvroSchemaException or DecoderFallbackException)
        {
            throw new AvroContainerException(4, $"the header's avro.schema is not a valid schema: {e.Message}", e);
        }
    }

    private ContainerCodec ParseCodec()
    {
        if (!Metadata.TryGetValue(ContainerFormat.CodecKey, out var bytes)) return ContainerCodec.Null;
        var name = Encoding.UTF8.GetString(bytes);
        if (ContainerCodecNames.TryParse(name, out var codec)) return codec;
        var printable = name.Length <= 40 ? name : name[..40] + "...";
        throw new AvroContainerException(4, ContainerFormat.OptionalCodecs.Contains(name)
            ? $"codec '{name}' is optional in the specification and not supported here (only null and deflate)"
            : $"unknown codec '{printable}' (the specification's are null, deflate, bzip2, snappy, xz, zstandard)");
    }

    /// <summary>Reads the next block into <see cref="_block"/>; false at the end of the file.</summary>
    private bool NextBlock()
    {
        if (_input.AtEnd()) return false;
        _blockOffset = _input.Offset;
        _blockIndex++;
        var count = _input.ReadLong("a block's datum count");
        if (count < 0 || count > _limits.MaxBlockCount)
            throw new AvroContainerException(_blockOffset, $"block {_blockIndex}: datum count {count} is not within 0 to {_limits.MaxBlockCount}");
        var sizeOffset = _input.Offset;
        var size = _input.ReadLong("a block's byte size");
        if (size < 0 || size > _limits.MaxBlockBytes)
            throw new AvroContainerException(sizeOffset, $"block {_blockIndex}: byte size {size} is not within 0 to {_limits.MaxBlockBytes}");
        _input.ReadInto(ref _raw, (int)size, $"block {_blockIndex}");
        Span<byte> sync = stackalloc byte[ContainerFormat.SyncSize];
        var syncOffset = _input.Offset;
        _input.ReadExactly(sync, $"the sync marker after block {_blockIndex}");
        if (!sync.SequenceEqual(_sync))
            throw new AvroContainerException(syncOffset, $"the sync marker after block {_blockIndex} is not the header's");
        if (Codec == ContainerCodec.Deflate)
        {
            _blockLength = Inflate((int)size);
            _block = _inflated;
        }
        else
        {
            _blockLength = (int)size;
            _block = _raw;
        }
        if (count == 0 && _blockLength > 0)
            throw new AvroContainerException(_blockOffset, $"block {_blockIndex}: {_blockLength} bytes but no datums");
        if (_datumMinBytes > 0 && count > _blockLength / _datumMinBytes)
            throw new AvroContainerException(_blockOffset, $"block {_blockIndex}: {count} datums cannot fit in its {_blockLength} bytes");
        _position = 0;
        _remaining = count;
        return true;
    }

    /// <summary>Inflates the raw DEFLATE data of a block into <see cref="_inflated"/>, refusing more than the limit.</summary>
    private int Inflate(int size)
    {
        var max = _limits.MaxDecompressedBlockBytes;
        using var inflater = new DeflateStream(new MemoryStream(_raw, 0, size, writable: false), CompressionMode.Decompress);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == _inflated.Length)
                {
                    if (length > max) break;
                    // One byte past the limit tells an over-long block from one exactly at it.
                    Array.Resize(ref _inflated, (int)Math.Min(max + 1L, Math.Max(64 * 1024L, 2L * _inflated.Length)));
                }
                var n = inflater.Read(_inflated, length, _inflated.Length - length);
                if (n == 0) break;
                length += n;
            }
        }
        catch (InvalidDataException e)
        {
            throw new AvroContainerException(_blockOffset, $"block {_blockIndex}: its deflate data is corrupt: {e.Message}", e);
        }
        if (length > max)
            throw new AvroContainerException(_blockOffset, $"block {_blockIndex}: inflates past the limit of {max} bytes");
        return length;
    }
}
