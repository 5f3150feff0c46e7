using Bridge.Eventing.Avro.Binary;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Codec;

/// <summary>
/// Decodes Avro's binary encoding into generic datums (<see cref="Generic.DatumModel"/>): data
/// written with <see cref="WriterSchema"/>, returned as <see cref="ReaderSchema"/> describes it
/// (Avro 1.11 specification, "Schema Resolution": fields matched by name or alias and reordered,
/// writer-only fields skipped, reader-only fields from their defaults, numeric and string/bytes
/// promotions, enum defaults, union branches matched). The resolution is worked out once, in the
/// constructor; reading is then a walk of that plan. Thread-safe.
/// </summary>
public sealed class DatumReader
{
    private readonly ReadNode _root;
    private readonly DecodeLimits _limits;

    /// <summary>
    /// A reader of data written with <paramref name="writer"/>, returned as <paramref name="reader"/>
    /// (default: the writer schema itself), within <paramref name="limits"/> (default:
    /// <see cref="DecodeLimits.Default"/>). AvroResolutionException, naming the reader-schema path,
    /// when data of the writer schema can never be read as the reader schema.
    /// </summary>
    public DatumReader(AvroSchema writer, AvroSchema? reader = null, DecodeLimits? limits = null)
    {
        WriterSchema = writer;
        ReaderSchema = reader ?? writer;
        _limits = limits ?? DecodeLimits.Default;
        _root = new ReadPlanBuilder(_limits).Build(writer, ReaderSchema, ReaderSchema is NamedSchema n ? n.FullName : "");
    }

    /// <summary>The schema the data was written with.</summary>
    public AvroSchema WriterSchema { get; }

    /// <summary>The schema the data is returned as.</summary>
    public AvroSchema ReaderSchema { get; }

    /// <summary>
    /// Decodes <paramref name="data"/>, which must hold exactly one datum. AvroDecodeException (with
    /// the byte offset) on malformed or truncated data, trailing bytes, or data beyond the limits.
    /// </summary>
    public object? Read(ReadOnlySpan<byte> data)
    {
        var reader = new AvroBinaryReader(data);
        var datum = Read(ref reader);
        if (reader.Remaining != 0)
            throw new AvroDecodeException(reader.Position, $"{reader.Remaining} bytes left after the datum");
        return datum;
    }

    /// <summary>Decodes one datum at <paramref name="reader"/>'s position, leaving it after the datum (for a block of several). AvroDecodeException as <see cref="Read(ReadOnlySpan{byte})"/>.</summary>
    public object? Read(ref AvroBinaryReader reader)
    {
        var state = new ReadState(_limits);
        return _root.Read(ref reader, ref state);
    }
}
