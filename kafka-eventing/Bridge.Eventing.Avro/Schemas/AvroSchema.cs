using System.Collections.ObjectModel;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Bridge.Eventing.Avro.Schemas;

/// <summary>
/// An Avro 1.11 schema: an immutable tree (a graph, where records recurse) of
/// <see cref="PrimitiveSchema"/>, <see cref="RecordSchema"/>, <see cref="EnumSchema"/>,
/// <see cref="ArraySchema"/>, <see cref="MapSchema"/>, <see cref="UnionSchema"/> and
/// <see cref="FixedSchema"/>. Every reference to a named type is the same instance as its
/// definition, so a datum codec can walk the graph (and cache per instance) without looking names up.
/// Built by <see cref="Parse(string)"/>; safe to share between threads.
/// </summary>
public abstract class AvroSchema
{
    private static readonly ReadOnlyDictionary<string, JsonElement> NoProperties = new(new Dictionary<string, JsonElement>());
    private string? _canonical;

    private protected AvroSchema(AvroType type, LogicalType? logicalType, IReadOnlyDictionary<string, JsonElement>? properties)
    {
        Type = type;
        LogicalType = logicalType;
        Properties = properties ?? NoProperties;
    }

    /// <summary>Which kind of schema this is.</summary>
    public AvroType Type { get; }

    /// <summary>
    /// The valid logical type annotating this schema, or null. An unknown or invalid
    /// <c>logicalType</c> attribute (e.g. a decimal whose scale exceeds its precision, or
    /// <c>date</c> on a <c>long</c>) is ignored as the specification requires: this is null and
    /// the attribute stays in <see cref="Properties"/>.
    /// </summary>
    public LogicalType? LogicalType { get; }

    /// <summary>
    /// Attributes the schema language does not define for this kind of schema (metadata such as
    /// <c>"java-class"</c>, or an ignored <c>logicalType</c> with its parameters), as written, in
    /// document order. A valid logical type's own attributes (<c>logicalType</c>, and
    /// <c>precision</c>/<c>scale</c> for decimal) are not repeated here. Empty for unions.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement> Properties { get; }

    /// <summary>The primitive <c>null</c> schema without attributes (shared instance).</summary>
    public static PrimitiveSchema Null { get; } = new(AvroType.Null);
    /// <summary>The primitive <c>boolean</c> schema without attributes (shared instance).</summary>
    public static PrimitiveSchema Boolean { get; } = new(AvroType.Boolean);
    /// <summary>The primitive <c>int</c> schema without attributes (shared instance).</summary>
    public static PrimitiveSchema Int { get; } = new(AvroType.Int);
    /// <summary>The primitive <c>long</c> schema without attributes (shared instance).</summary>
    public static PrimitiveSchema Long { get; } = new(AvroType.Long);
    /// <summary>The primitive <c>float</c> schema without attributes (shared instance).</summary>
    public static PrimitiveSchema Float { get; } = new(AvroType.Float);
    /// <summary>The primitive <c>double</c> schema without attributes (shared instance).</summary>
    public static PrimitiveSchema Double { get; } = new(AvroType.Double);
    /// <summary>The primitive <c>bytes</c> schema without attributes (shared instance).</summary>
    public static PrimitiveSchema Bytes { get; } = new(AvroType.Bytes);
    /// <summary>The primitive <c>string</c> schema without attributes (shared instance).</summary>
    public static PrimitiveSchema String { get; } = new(AvroType.String);

    /// <summary>
    /// Parses a schema document: a JSON string naming a primitive type, a JSON object, or a JSON
    /// array (a union), with every rule of the Avro 1.11 schema language (see docs/avro.md).
    /// Comments (<c>//</c>, <c>/* */</c>) are skipped, as Java's parser does; duplicate keys are errors.
    /// Bounded: at most <see cref="SchemaLimits.MaxLength"/> characters, schemas nested at most
    /// <see cref="SchemaLimits.MaxDepth"/> deep, JSON nested at most <see cref="SchemaLimits.MaxJsonDepth"/>;
    /// cost linear in the input.
    /// </summary>
    /// <exception cref="AvroSchemaException">Not JSON, over a limit, or not a valid schema; the exception names where and why.</exception>
    public static AvroSchema Parse(string json) => Parse(json, known: null);

    /// <summary>
    /// Parses a schema document that may refer to named types defined earlier elsewhere (e.g. a
    /// registry's referenced schemas): a name not defined in <paramref name="json"/> is looked up
    /// in <paramref name="known"/>, and resolves to that same instance. Defining a name that
    /// <paramref name="known"/> already has is an error. <paramref name="known"/> is not changed
    /// (see <see cref="SchemaNames.Add"/>). Otherwise as <see cref="Parse(string)"/>.
    /// </summary>
    /// <exception cref="AvroSchemaException">Not JSON, over a limit, or not a valid schema.</exception>
    public static AvroSchema Parse(string json, SchemaNames? known)
    {
        ArgumentNullException.ThrowIfNull(json);
        return SchemaParser.Parse(json, known ?? SchemaNames.Empty);
    }

    /// <summary>
    /// The schema's Parsing Canonical Form (specification, "Parsing Canonical Form for Schemas"):
    /// primitives as bare names, full names with no namespace attributes, only
    /// <c>name type fields symbols items values size</c> in that order, each named type defined at
    /// its first occurrence and named thereafter, no whitespace. ASCII-only, since every name is.
    /// A logical type is not part of it (1.11). Computed once, then cached.
    /// </summary>
    public string ToCanonicalForm() => _canonical ??= SchemaWriter.Canonical(this);

    /// <summary>
    /// CRC-64-AVRO (<see cref="AvroFingerprint.Crc64Avro"/>) of the UTF-8 Parsing Canonical Form:
    /// the 64-bit fingerprint of the specification's "Schema Fingerprints" (Java's
    /// <c>SchemaNormalization.parsingFingerprint64</c>, as an unsigned value). Single-object
    /// encoding writes it little-endian.
    /// </summary>
    public ulong Fingerprint64() => AvroFingerprint.Crc64Avro(Encoding.UTF8.GetBytes(ToCanonicalForm()));

    /// <summary>SHA-256 of the UTF-8 Parsing Canonical Form (32 bytes), the specification's long fingerprint.</summary>
    public byte[] FingerprintSha256() => SHA256.HashData(Encoding.UTF8.GetBytes(ToCanonicalForm()));

    /// <summary>MD5 of the UTF-8 Parsing Canonical Form (16 bytes), the specification's middle fingerprint.</summary>
    public byte[] FingerprintMd5() => MD5.HashData(Encoding.UTF8.GetBytes(ToCanonicalForm()));

    /// <summary>
    /// The full schema as compact JSON: everything the parser kept (docs, aliases, defaults,
    /// orders, logical types, other attributes), each named type defined at its first occurrence
    /// (in the same depth-first order the parser reads) and referred to by name after, a namespace
    /// attribute only where it differs from the enclosing one. Parsing the result gives the same
    /// schema; a schema parsed with <see cref="SchemaNames"/> comes out self-contained.
    /// </summary>
    public string ToJson() => SchemaWriter.Json(this);

    /// <summary>Same as <see cref="ToJson"/>.</summary>
    public override string ToString() => ToJson();
}
