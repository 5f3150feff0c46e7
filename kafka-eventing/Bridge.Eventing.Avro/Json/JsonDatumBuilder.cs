using System.Numerics;
using System.Text;
using System.Text.Json;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Json;

/// <summary>
/// One read of <see cref="AvroJsonReader"/>: walks a parsed JSON value beside its schema and builds
/// the generic datum (<see cref="DatumModel"/>), the same one the binary <see cref="DatumReader"/>
/// builds, tracking the JSON path and the nesting depth for its errors.
/// </summary>
internal sealed class JsonDatumBuilder(AvroJsonOptions options)
{
    private readonly JsonPathStack _path = new();
    private int _depth;

    public object? Value(AvroSchema schema, JsonElement json)
    {
        if (schema is UnionSchema union)
            return options.UnionMode == JsonUnionMode.Tagged ? TaggedUnion(union, json) : UntaggedUnion(union, json);
        var raw = schema switch
        {
            RecordSchema record => Record(record, json),
            EnumSchema e => Enum(e, json),
            FixedSchema f => new GenericFixed(f, Bytes(json, f)),
            ArraySchema array => Array(array, json),
            MapSchema map => Map(map, json),
            _ => Primitive(schema.Type, json),
        };
        if (schema.LogicalType is not { } logical) return raw;
        var value = LogicalValues.FromUnderlying(logical, raw!, out var error);
        if (error is not null) throw Fail(error);
        // Unlike the binary reader, refuse a decimal with more digits than the schema's precision:
        // no writer could have written it, and it could not be encoded again (found by the fuzz test).
        if (value is AvroDecimal d && BigInteger.Abs(d.Unscaled) >= BigInteger.Pow(10, logical.Precision))
            throw Fail($"decimal {d} has more than the schema's {logical.Precision} digits");
        return value;
    }

    private object? Primitive(AvroType type, JsonElement json) => type switch
    {
        AvroType.Null => json.ValueKind == JsonValueKind.Null ? null : throw Expected("null", json),
        AvroType.Boolean => json.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Expected("a boolean (true or false)", json),
        },
        // Each number boxed as its own type: a switch expression would otherwise widen them all to double.
        AvroType.Int => (object)(int)Integer(json, "an int", int.MinValue, int.MaxValue),
        AvroType.Long => (object)Integer(json, "a long", long.MinValue, long.MaxValue),
        AvroType.Float => (object)(float)Floating(json, single: true),
        AvroType.Double => (object)Floating(json, single: false),
        AvroType.Bytes => Bytes(json, null),
        _ => Text(json, "a string"),
    };

    private long Integer(JsonElement json, string what, long min, long max)
    {
        if (json.ValueKind != JsonValueKind.Number) throw Expected($"{what} (a JSON integer)", json);
        if (!JsonScalars.IsIntegerLiteral(json))
            throw Fail($"expected {what}, got {JsonScalars.Describe(json)}: an integer is written without a fraction or exponent");
        return json.TryGetInt64(out var value) && value >= min && value <= max
            ? value
            : throw Fail($"expected {what}, got {JsonScalars.Describe(json)}: outside {min} to {max}");
    }

    /// <summary>A float or double: any JSON number within range, or one of Java's strings for the non-finite values.</summary>
    private double Floating(JsonElement json, bool single)
    {
        var what = single ? "a float" : "a double";
        if (json.ValueKind == JsonValueKind.String && JsonScalars.TryText(json) is { } text && JsonScalars.NonFinite(text) is { } special)
            return special;
        if (json.ValueKind != JsonValueKind.Number) throw Expected($"{what} (a JSON number, or \"NaN\", \"Infinity\", \"-Infinity\")", json);
        // System.Text.Json rounds an out-of-range number to infinity; that is not the number written.
        double value;
        if (single) value = json.TryGetSingle(out var f) ? f : float.NaN;
        else value = json.TryGetDouble(out var d) ? d : double.NaN;
        return double.IsFinite(value)
            ? value
            : throw Fail($"expected {what}, got {JsonScalars.Describe(json)}: outside its range (±{(single ? float.MaxValue : double.MaxValue)})");
    }

    private string Text(JsonElement json, string what)
    {
        if (json.ValueKind != JsonValueKind.String) throw Expected($"{what} (a JSON string)", json);
        return JsonScalars.TryText(json) ?? throw Fail($"expected {what}, got a string escaping half a surrogate pair, which is not Unicode text");
    }

    /// <summary>Bytes (<paramref name="fixedSchema"/> null) or a fixed's bytes: a string of code points U+0000–U+00FF, one per byte.</summary>
    private byte[] Bytes(JsonElement json, FixedSchema? fixedSchema)
    {
        var what = fixedSchema is null ? "bytes" : $"a fixed {fixedSchema.FullName}";
        var text = Text(json, $"{what} (a string of code points U+0000 to U+00FF)");
        var wide = JsonScalars.FirstNonLatin1(text);
        if (wide >= 0)
            throw Fail($"expected {what}, got a string with U+{(int)text[wide]:X4} at index {wide}: each byte is a code point U+0000 to U+00FF");
        if (fixedSchema is not null && text.Length != fixedSchema.Size)
            throw Fail($"fixed {fixedSchema.FullName} holds {fixedSchema.Size} bytes, the string has {text.Length}");
        return Encoding.Latin1.GetBytes(text);
    }

    private GenericEnum Enum(EnumSchema schema, JsonElement json)
    {
        var symbol = Text(json, $"a symbol of enum {schema.FullName}");
        return schema.IndexOf(symbol) >= 0
            ? new GenericEnum(schema, symbol)
            : throw Fail($"{JsonScalars.Describe(json)} is not a symbol of enum {schema.FullName} ({List(schema.Symbols)})");
    }

    private List<object?> Array(ArraySchema schema, JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Array) throw Expected("an array (a JSON array)", json);
        Enter();
        var list = new List<object?>(json.GetArrayLength());
        var index = 0;
        foreach (var item in json.EnumerateArray())
        {
            _path.PushIndex(index++);
            list.Add(Value(schema.Items, item));
            _path.Pop();
        }
        _depth--;
        return list;
    }

    private Dictionary<string, object?> Map(MapSchema schema, JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object) throw Expected("a map (a JSON object)", json);
        Enter();
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var member in json.EnumerateObject())
        {
            var key = Name(member);
            _path.PushMember(key);
            if (map.ContainsKey(key)) throw Fail("the key appears twice in the map");
            map[key] = Value(schema.Values, member.Value);
            _path.Pop();
        }
        _depth--;
        return map;
    }

    private GenericRecord Record(RecordSchema schema, JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object) throw Expected($"a record {schema.FullName} (a JSON object)", json);
        Enter();
        var record = new GenericRecord(schema);
        var seen = new bool[schema.Fields.Length];
        foreach (var member in json.EnumerateObject())
        {
            var name = Name(member);
            _path.PushMember(name);
            var field = schema.GetField(name) ?? throw Fail($"record {schema.FullName} has no such field (its fields: {List(schema.Fields.Select(f => f.Name))})");
            if (seen[field.Position]) throw Fail("the field appears twice");
            seen[field.Position] = true;
            record[field.Position] = Value(field.Schema, member.Value);
            _path.Pop();
        }
        for (var i = 0; i < seen.Length; i++)
            if (!seen[i]) record[i] = Default(schema.Fields[i]);
        _depth--;
        return record;
    }

    /// <summary>A missing field's value: its default, decoded afresh (so no two records share a mutable default).</summary>
    private object? Default(RecordField field)
    {
        _path.PushMember(field.Name);
        if (field.Default is not { } json) throw Fail("the field is missing and has no default");
        object? value;
        try
        {
            value = DefaultValues.ToDatum(field.Schema, json);
        }
        catch (AvroResolutionException e)
        {
            throw Fail($"the field is missing and its default cannot be used: {e.Detail}");
        }
        _path.Pop();
        return value;
    }

    private object? TaggedUnion(UnionSchema union, JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.Null) return NullBranch(union);
        if (json.ValueKind != JsonValueKind.Object)
            throw Expected($"a value of the union {JsonUnions.Describe(union)}: null, or an object of one member naming the branch", json);
        return Tagged(union, json) is var (found, value) && found
            ? value
            : throw Fail($"expected a value of the union {JsonUnions.Describe(union)}: null, or an object of one member naming the branch, got an object of {Count(json)} members");
    }

    /// <summary>An object of exactly one member naming a non-null branch, read as that branch; (false, null) when it has another number of members.</summary>
    private (bool Found, object? Value) Tagged(UnionSchema union, JsonElement json)
    {
        using var members = json.EnumerateObject();
        if (!members.MoveNext()) return (false, null);
        var member = members.Current;
        if (members.MoveNext()) return (false, null);
        var name = Name(member);
        _path.PushMember(name);
        var index = JsonUnions.IndexOf(union, name);
        if (index < 0) throw Fail($"names no branch of the union {JsonUnions.Describe(union)}");
        var branch = union.Branches[index];
        if (branch.Type == AvroType.Null) throw Fail("a union's null is written as null, not tagged");
        var value = Value(branch, member.Value);
        _path.Pop();
        return (true, value);
    }

    private object? UntaggedUnion(UnionSchema union, JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.Null) return NullBranch(union);
        var text = json.ValueKind == JsonValueKind.String ? Text(json, "a string") : null;
        var fits = union.Branches.Where(b => JsonUnions.Fits(b, json, text)).ToList();
        if (fits.Count == 1) return Value(fits[0], json);
        if (fits.Count > 1)
            throw Fail($"{JsonScalars.Describe(json)} fits more than one branch of the union {JsonUnions.Describe(union)}: " +
                $"{string.Join(", ", fits.Select(JsonUnions.BranchName))}; tag it to choose, e.g. {{\"{JsonUnions.BranchName(fits[0])}\": ...}}");
        // Fits no branch as it is: an object of one member naming a branch is the tagged form, which
        // is how a value fitting several is given. Only now, so a map or record is never misread as tagged.
        if (json.ValueKind == JsonValueKind.Object && NamesABranch(union, json) && Tagged(union, json) is var (found, value) && found) return value;
        throw Fail($"{JsonScalars.Describe(json)} fits no branch of the union {JsonUnions.Describe(union)}");
    }

    private static bool NamesABranch(UnionSchema union, JsonElement json)
    {
        using var members = json.EnumerateObject();
        return members.MoveNext() && JsonScalars.TryName(members.Current, out var name) && !members.MoveNext() && JsonUnions.IndexOf(union, name) >= 0;
    }

    private object? NullBranch(UnionSchema union) =>
        JsonUnions.NullIndex(union) >= 0 ? null : throw Fail($"null is not a value of the union {JsonUnions.Describe(union)}, which has no null branch");

    private string Name(JsonProperty member) =>
        JsonScalars.TryName(member, out var name) ? name : throw Fail("a member name escapes half a surrogate pair, which is not Unicode text");

    private void Enter()
    {
        if (++_depth > options.MaxDepth) throw Fail($"the datum nests deeper than {options.MaxDepth} levels");
    }

    private static int Count(JsonElement json) => json.EnumerateObject().Count();

    private static string List(IEnumerable<string> names)
    {
        var all = names.ToList();
        return all.Count <= 20 ? string.Join(", ", all) : string.Join(", ", all.Take(20)) + $", ... ({all.Count} in all)";
    }

    private AvroJsonException Expected(string what, JsonElement json) => Fail($"expected {what}, got {JsonScalars.Describe(json)}");

    private AvroJsonException Fail(string detail) => new(_path.ToString(), detail);
}
