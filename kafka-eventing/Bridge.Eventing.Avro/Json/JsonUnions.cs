using System.Text.Json;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Json;

/// <summary>
/// How union branches are named in the JSON encoding (Avro 1.11 specification, "JSON Encoding":
/// a named type by its full name, any other by its type name, a logical type by its underlying
/// type's) and which branches a bare JSON value fits (<see cref="JsonUnionMode.Untagged"/>).
/// </summary>
internal static class JsonUnions
{
    /// <summary>The member name that tags a value of <paramref name="branch"/>: <c>bridge.Suit</c>, <c>string</c>, <c>array</c>.</summary>
    public static string BranchName(AvroSchema branch) =>
        branch is NamedSchema named ? named.FullName : SchemaText.TypeName(branch.Type);

    /// <summary>The index of the branch tagged <paramref name="name"/>, or -1. Full names only, as Java's JsonDecoder.</summary>
    public static int IndexOf(UnionSchema union, string name)
    {
        for (var i = 0; i < union.Branches.Length; i++)
            if (BranchName(union.Branches[i]) == name) return i;
        return -1;
    }

    /// <summary>The index of the null branch, or -1.</summary>
    public static int NullIndex(UnionSchema union)
    {
        for (var i = 0; i < union.Branches.Length; i++)
            if (union.Branches[i].Type == AvroType.Null) return i;
        return -1;
    }

    /// <summary>The branch names in order, for messages: <c>[null, string, bridge.Suit]</c>.</summary>
    public static string Describe(UnionSchema union) => "[" + string.Join(", ", union.Branches.Select(BranchName)) + "]";

    /// <summary>
    /// Whether the bare, non-null value <paramref name="json"/> (whose string, when it is one, is
    /// <paramref name="text"/>) can be a value of <paramref name="branch"/>, by the surface rules
    /// <see cref="JsonUnionMode.Untagged"/> states: items, values and field values are not looked at,
    /// so the cost is one pass over an object's members at most, and nothing recurses.
    /// </summary>
    public static bool Fits(AvroSchema branch, JsonElement json, string? text) => json.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => branch.Type == AvroType.Boolean,
        JsonValueKind.Number => branch.Type switch
        {
            AvroType.Int => JsonScalars.IsIntegerLiteral(json) && json.TryGetInt32(out _),
            AvroType.Long => JsonScalars.IsIntegerLiteral(json) && json.TryGetInt64(out _),
            AvroType.Float => json.TryGetSingle(out var f) && float.IsFinite(f),
            AvroType.Double => json.TryGetDouble(out var d) && double.IsFinite(d),
            _ => false,
        },
        JsonValueKind.String => branch switch
        {
            EnumSchema e => e.IndexOf(text!) >= 0,
            FixedSchema f => text!.Length == f.Size && JsonScalars.FirstNonLatin1(text) < 0,
            _ => branch.Type switch
            {
                AvroType.String => true,
                AvroType.Bytes => JsonScalars.FirstNonLatin1(text!) < 0,
                AvroType.Float or AvroType.Double => JsonScalars.NonFinite(text!) is not null,
                _ => false,
            },
        },
        JsonValueKind.Array => branch.Type == AvroType.Array,
        JsonValueKind.Object => branch.Type == AvroType.Map || (branch is RecordSchema record && RecordFits(record, json)),
        _ => false,
    };

    private static bool RecordFits(RecordSchema record, JsonElement json)
    {
        foreach (var member in json.EnumerateObject())
            if (!JsonScalars.TryName(member, out var name) || record.GetField(name) is null) return false;
        foreach (var field in record.Fields)
            if (field.Default is null && !json.TryGetProperty(field.Name, out _)) return false;
        return true;
    }
}
