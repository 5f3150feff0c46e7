using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Bridge.Eventing.Avro.Schemas;

/// <summary>
/// Schema to text: the full JSON form (<see cref="AvroSchema.ToJson"/>) and the Parsing Canonical
/// Form (<see cref="AvroSchema.ToCanonicalForm"/>). Both define each named type at its first
/// occurrence in depth-first, left-to-right order, the order the parser reads, and name it after.
/// Recursion is bounded by <see cref="SchemaLimits.MaxDepth"/>, which the parser enforced on the
/// schema as it will be written.
/// </summary>
internal static class SchemaWriter
{
    private static readonly JsonWriterOptions JsonOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // Schemas nest three JSON levels per record, and defaults nest within that.
        MaxDepth = 4 * SchemaLimits.MaxJsonDepth,
    };

    public static string Json(AvroSchema schema)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
            WriteJson(writer, schema, space: null, new HashSet<NamedSchema>(ReferenceEqualityComparer.Instance));
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteJson(Utf8JsonWriter w, AvroSchema schema, string? space, HashSet<NamedSchema> written)
    {
        switch (schema)
        {
            case PrimitiveSchema p when p.LogicalType is null && p.Properties.Count == 0:
                w.WriteStringValue(p.Name);
                return;
            case PrimitiveSchema p:
                w.WriteStartObject();
                w.WriteString("type", p.Name);
                break;
            case NamedSchema n when !written.Add(n):
                // A reference: relative when the namespaces agree, else the full name. (The
                // parser only resolves a name without a dot inside its own namespace, so a type
                // in the null namespace is only ever referred to from the null namespace.)
                w.WriteStringValue(n.Namespace == space ? n.Name : n.FullName);
                return;
            case NamedSchema n:
                w.WriteStartObject();
                w.WriteString("type", n is RecordSchema { IsError: true } ? "error" : SchemaText.TypeName(n.Type));
                w.WriteString("name", n.Name);
                if (n.Namespace != space) w.WriteString("namespace", n.Namespace ?? "");
                if (n.Doc is not null) w.WriteString("doc", n.Doc);
                if (!n.Aliases.IsEmpty)
                {
                    w.WriteStartArray("aliases");
                    foreach (var alias in n.Aliases) w.WriteStringValue(alias);
                    w.WriteEndArray();
                }
                WriteNamedBody(w, n, written);
                break;
            case ArraySchema a:
                w.WriteStartObject();
                w.WriteString("type", "array");
                w.WritePropertyName("items");
                WriteJson(w, a.Items, space, written);
                break;
            case MapSchema m:
                w.WriteStartObject();
                w.WriteString("type", "map");
                w.WritePropertyName("values");
                WriteJson(w, m.Values, space, written);
                break;
            case UnionSchema u:
                w.WriteStartArray();
                foreach (var branch in u.Branches) WriteJson(w, branch, space, written);
                w.WriteEndArray();
                return;
        }
        WriteLogicalType(w, schema.LogicalType);
        WriteProperties(w, schema.Properties);
        w.WriteEndObject();
    }

    private static void WriteNamedBody(Utf8JsonWriter w, NamedSchema n, HashSet<NamedSchema> written)
    {
        switch (n)
        {
            case RecordSchema r:
                w.WriteStartArray("fields");
                foreach (var f in r.Fields) WriteField(w, f, r.Namespace, written);
                w.WriteEndArray();
                break;
            case EnumSchema e:
                w.WriteStartArray("symbols");
                foreach (var symbol in e.Symbols) w.WriteStringValue(symbol);
                w.WriteEndArray();
                if (e.Default is not null) w.WriteString("default", e.Default);
                break;
            case FixedSchema f:
                w.WriteNumber("size", f.Size);
                break;
        }
    }

    private static void WriteField(Utf8JsonWriter w, RecordField f, string? space, HashSet<NamedSchema> written)
    {
        w.WriteStartObject();
        w.WriteString("name", f.Name);
        w.WritePropertyName("type");
        WriteJson(w, f.Schema, space, written);
        if (f.Doc is not null) w.WriteString("doc", f.Doc);
        if (f.Default is { } value)
        {
            w.WritePropertyName("default");
            value.WriteTo(w);
        }
        if (f.Order != SortOrder.Ascending) w.WriteString("order", f.Order == SortOrder.Descending ? "descending" : "ignore");
        if (!f.Aliases.IsEmpty)
        {
            w.WriteStartArray("aliases");
            foreach (var alias in f.Aliases) w.WriteStringValue(alias);
            w.WriteEndArray();
        }
        WriteProperties(w, f.Properties);
        w.WriteEndObject();
    }

    private static void WriteLogicalType(Utf8JsonWriter w, LogicalType? logical)
    {
        if (logical is null) return;
        w.WriteString("logicalType", logical.Name);
        if (logical.Kind != LogicalTypeKind.Decimal) return;
        w.WriteNumber("precision", logical.Precision);
        w.WriteNumber("scale", logical.Scale);
    }

    private static void WriteProperties(Utf8JsonWriter w, IReadOnlyDictionary<string, JsonElement> properties)
    {
        foreach (var (name, value) in properties)
        {
            w.WritePropertyName(name);
            value.WriteTo(w);
        }
    }

    /// <summary>
    /// The Parsing Canonical Form: [PRIMITIVES] bare names; [FULLNAMES] full names, no namespace;
    /// [STRIP] and [ORDER] only name, type, fields, symbols, items, values, size, in that order;
    /// [STRINGS] and [INTEGERS] hold by construction (names are ASCII identifiers, sizes are
    /// written as plain integers); [WHITESPACE] none. An error keeps its type "error" (STRIP
    /// keeps the type attribute as written; python3-avro agrees, Java writes "record").
    /// </summary>
    public static string Canonical(AvroSchema schema)
    {
        var sb = new StringBuilder();
        WriteCanonical(sb, schema, new HashSet<NamedSchema>(ReferenceEqualityComparer.Instance));
        return sb.ToString();
    }

    private static void WriteCanonical(StringBuilder sb, AvroSchema schema, HashSet<NamedSchema> written)
    {
        switch (schema)
        {
            case PrimitiveSchema p:
                sb.Append('"').Append(p.Name).Append('"');
                return;
            case NamedSchema n when !written.Add(n):
                sb.Append('"').Append(n.FullName).Append('"');
                return;
            case RecordSchema r:
                sb.Append("{\"name\":\"").Append(r.FullName).Append(r.IsError ? "\",\"type\":\"error\",\"fields\":[" : "\",\"type\":\"record\",\"fields\":[");
                for (var i = 0; i < r.Fields.Length; i++)
                {
                    if (i > 0) sb.Append(',');
                    sb.Append("{\"name\":\"").Append(r.Fields[i].Name).Append("\",\"type\":");
                    WriteCanonical(sb, r.Fields[i].Schema, written);
                    sb.Append('}');
                }
                sb.Append("]}");
                return;
            case EnumSchema e:
                sb.Append("{\"name\":\"").Append(e.FullName).Append("\",\"type\":\"enum\",\"symbols\":[");
                for (var i = 0; i < e.Symbols.Length; i++)
                {
                    if (i > 0) sb.Append(',');
                    sb.Append('"').Append(e.Symbols[i]).Append('"');
                }
                sb.Append("]}");
                return;
            case FixedSchema f:
                sb.Append("{\"name\":\"").Append(f.FullName).Append("\",\"type\":\"fixed\",\"size\":").Append(f.Size).Append('}');
                return;
            case ArraySchema a:
                sb.Append("{\"type\":\"array\",\"items\":");
                WriteCanonical(sb, a.Items, written);
                sb.Append('}');
                return;
            case MapSchema m:
                sb.Append("{\"type\":\"map\",\"values\":");
                WriteCanonical(sb, m.Values, written);
                sb.Append('}');
                return;
            case UnionSchema u:
                sb.Append('[');
                for (var i = 0; i < u.Branches.Length; i++)
                {
                    if (i > 0) sb.Append(',');
                    WriteCanonical(sb, u.Branches[i], written);
                }
                sb.Append(']');
                return;
        }
    }
}
