using System.Text.Json;

namespace Bridge.Eventing.Avro.Schemas;

/// <summary>
/// Checks a field's <c>default</c> against its schema (specification, "Records", field default
/// values): null, boolean, integers within int/long, any number for float/double, strings for
/// string, strings of code points 0–255 for bytes (and exactly <c>size</c> of them for fixed),
/// a symbol for an enum, arrays and objects element by element, an object for a record whose
/// members match its fields (a field left out must have a default of its own; members naming no
/// field are ignored, as Java does), and for a union its FIRST branch, at every level (1.11:
/// a default's union is always encoded as branch 0). Recursion follows the JSON value, so it is
/// bounded by <see cref="SchemaLimits.MaxJsonDepth"/>.
/// </summary>
internal static class DefaultValidator
{
    public static void Check(AvroSchema schema, JsonElement value, JsonPath path)
    {
        var kind = value.ValueKind;
        switch (schema)
        {
            case UnionSchema union:
                if (union.Branches.IsEmpty) Fail(path, "an empty union has no value, so no default");
                var first = union.Branches[0];
                if (!TryCheck(first, value, path, out var inner))
                    Fail(path, $"a union's default must be a value of its first branch ({Describe(first)}): {inner!.Detail}", inner.Path);
                return;
            case RecordSchema record:
                if (kind != JsonValueKind.Object) Mismatch(value, path, $"an object for record {SchemaText.Quote(record.FullName)}");
                foreach (var field in record.Fields)
                {
                    if (value.TryGetProperty(field.Name, out var member)) Check(field.Schema, member, path.Property(field.Name));
                    else if (!field.HasDefault)
                        Fail(path, $"the value for record {SchemaText.Quote(record.FullName)} lacks field {SchemaText.Quote(field.Name)}, which has no default");
                }
                return;
            case EnumSchema e:
                if (kind != JsonValueKind.String) Mismatch(value, path, $"a symbol of enum {SchemaText.Quote(e.FullName)}");
                if (e.IndexOf(value.GetString()!) < 0)
                    Fail(path, $"{SchemaText.Quote(value.GetString()!)} is not a symbol of enum {SchemaText.Quote(e.FullName)}");
                return;
            case FixedSchema f:
                if (kind != JsonValueKind.String) Mismatch(value, path, $"a string of {f.Size} characters U+0000-U+00FF for fixed {SchemaText.Quote(f.FullName)}");
                var text = value.GetString()!;
                CheckLatin1(text, path);
                if (text.Length != f.Size)
                    Fail(path, $"fixed {SchemaText.Quote(f.FullName)} has {f.Size} bytes, but the default has {text.Length}");
                return;
            case ArraySchema array:
                if (kind != JsonValueKind.Array) Mismatch(value, path, "an array");
                var i = 0;
                foreach (var item in value.EnumerateArray()) Check(array.Items, item, path.Index(i++));
                return;
            case MapSchema map:
                if (kind != JsonValueKind.Object) Mismatch(value, path, "an object (a map)");
                foreach (var member in value.EnumerateObject()) Check(map.Values, member.Value, path.Property(member.Name));
                return;
        }

        switch (schema.Type)
        {
            case AvroType.Null: Expect(kind == JsonValueKind.Null, value, path, "null"); break;
            case AvroType.Boolean: Expect(kind is JsonValueKind.True or JsonValueKind.False, value, path, "true or false"); break;
            case AvroType.Int: Expect(kind == JsonValueKind.Number && value.TryGetInt32(out _), value, path, "an integer from -2^31 to 2^31-1 (int)"); break;
            case AvroType.Long: Expect(kind == JsonValueKind.Number && value.TryGetInt64(out _), value, path, "an integer from -2^63 to 2^63-1 (long)"); break;
            case AvroType.Float: Expect(kind == JsonValueKind.Number, value, path, "a number (float)"); break;
            case AvroType.Double: Expect(kind == JsonValueKind.Number, value, path, "a number (double)"); break;
            case AvroType.String: Expect(kind == JsonValueKind.String, value, path, "a string"); break;
            case AvroType.Bytes:
                Expect(kind == JsonValueKind.String, value, path, "a string of characters U+0000-U+00FF (bytes)");
                CheckLatin1(value.GetString()!, path);
                break;
        }
    }

    private static bool TryCheck(AvroSchema schema, JsonElement value, JsonPath path, out AvroSchemaException? error)
    {
        try
        {
            Check(schema, value, path);
            error = null;
            return true;
        }
        catch (AvroSchemaException e)
        {
            error = e;
            return false;
        }
    }

    private static void CheckLatin1(string text, JsonPath path)
    {
        var bad = text.AsSpan().IndexOfAnyExceptInRange('\0', '\u00ff');
        if (bad >= 0)
            Fail(path, $"character {bad} (U+{(int)text[bad]:X4}) is above U+00FF, so it is not a byte (bytes and fixed defaults map code points 0-255 to bytes)");
    }

    /// <summary>Fails unless <paramref name="ok"/>; <paramref name="expected"/> is a constant, so success costs nothing.</summary>
    private static void Expect(bool ok, JsonElement value, JsonPath path, string expected)
    {
        if (!ok) Mismatch(value, path, expected);
    }

    private static void Mismatch(JsonElement value, JsonPath path, string expected) =>
        Fail(path, $"the default must be {expected}, not {SchemaParser.Raw(value)}");

    private static string Describe(AvroSchema schema) =>
        schema is NamedSchema n ? $"{SchemaText.TypeName(n.Type)} {SchemaText.Quote(n.FullName)}" : $"\"{SchemaText.TypeName(schema.Type)}\"";

    private static void Fail(JsonPath path, string detail, string? at = null) =>
        throw new AvroSchemaException(at ?? path.ToString(), detail);
}
