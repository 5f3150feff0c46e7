using System.Collections.Concurrent;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Framing;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.SingleObject;

/// <summary>
/// Decodes Avro single-object encoded messages (Avro 1.11 specification, "Single-object
/// encoding"): finds the writer schema by the header's fingerprint in an <see cref="IWriterSchemas"/>,
/// and returns the datum as the reader schema describes it (schema resolution, as
/// <see cref="DatumReader"/>). The resolution for each writer schema is worked out once and kept.
/// Thread-safe.
/// </summary>
public sealed class SingleObjectDecoder
{
    private readonly IWriterSchemas _writers;
    private readonly AvroSchema? _reader;
    private readonly DecodeLimits _limits;
    private readonly ConcurrentDictionary<ulong, DatumReader> _readers = new();

    /// <summary>
    /// A decoder looking writer schemas up in <paramref name="writers"/> and returning datums as
    /// <paramref name="reader"/> (default: each message's own writer schema), within
    /// <paramref name="limits"/> (default: <see cref="DecodeLimits.Default"/>).
    /// </summary>
    public SingleObjectDecoder(IWriterSchemas writers, AvroSchema? reader = null, DecodeLimits? limits = null)
    {
        _writers = writers;
        _reader = reader;
        _limits = limits ?? DecodeLimits.Default;
    }

    /// <summary>
    /// The datum in <paramref name="message"/>. AvroFramingException when it is shorter than the
    /// 10-byte header or does not start with <c>C3 01</c>; UnknownWriterSchemaException when no
    /// known schema has its fingerprint; AvroResolutionException when the writer schema cannot be
    /// read as the reader schema; AvroDecodeException (offset within the body, after the header)
    /// when the body is not one datum of the writer schema.
    /// </summary>
    public object? Decode(ReadOnlySpan<byte> message)
    {
        var fingerprint = SingleObjectFraming.ReadHeader(message, out var body);
        return ReaderFor(fingerprint).Read(body);
    }

    private DatumReader ReaderFor(ulong fingerprint)
    {
        if (_readers.TryGetValue(fingerprint, out var known)) return known;
        var writer = _writers.Find(fingerprint) ?? throw new UnknownWriterSchemaException(fingerprint);
        // Only found schemas are cached, so the cache is no bigger than the store.
        return _readers.GetOrAdd(fingerprint, new DatumReader(writer, _reader, _limits));
    }
}
