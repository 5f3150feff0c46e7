using System.Collections;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Codec;

/// <summary>
/// Which branch of a union a generic datum is written as: the first branch whose type is exactly
/// the datum's (a record, enum or fixed by full name; a logical value by its logical type), else
/// the first the datum can be promoted to (an int into a long, float or double branch), else, for a
/// string, the first enum branch with that symbol.
/// </summary>
internal static class UnionBranches
{
    public static int For(UnionSchema union, object? datum)
    {
        var branches = union.Branches;
        for (var i = 0; i < branches.Length; i++)
            if (Exact(branches[i], datum)) return i;
        for (var i = 0; i < branches.Length; i++)
            if (Promotable(branches[i].Type, datum)) return i;
        // A symbol given as a plain string: the first enum branch that has it.
        if (datum is string symbol)
            for (var i = 0; i < branches.Length; i++)
                if (branches[i] is EnumSchema e && e.IndexOf(symbol) >= 0) return i;
        return -1;
    }

    public static string Describe(UnionSchema union) =>
        "[" + string.Join(", ", union.Branches.Select(b => b is NamedSchema n ? n.FullName : b.Type.ToString().ToLowerInvariant())) + "]";

    private static bool Exact(AvroSchema branch, object? datum)
    {
        var logical = branch.LogicalType?.Kind;
        return datum switch
        {
            null => branch.Type == AvroType.Null,
            bool => branch.Type == AvroType.Boolean,
            int => branch.Type == AvroType.Int,
            long => branch.Type == AvroType.Long,
            float => branch.Type == AvroType.Float,
            double => branch.Type == AvroType.Double,
            byte[] bytes => branch.Type == AvroType.Bytes || (branch is FixedSchema f && f.Size == bytes.Length),
            string => branch.Type == AvroType.String,
            GenericRecord r => branch is RecordSchema s && s.FullName == r.Schema.FullName,
            GenericEnum e => branch is EnumSchema s && s.FullName == e.Schema.FullName,
            GenericFixed x => branch is FixedSchema s && s.FullName == x.Schema.FullName,
            DateOnly => logical == LogicalTypeKind.Date,
            TimeOnly => logical is LogicalTypeKind.TimeMillis or LogicalTypeKind.TimeMicros,
            DateTimeOffset => logical is LogicalTypeKind.TimestampMillis or LogicalTypeKind.TimestampMicros,
            DateTime at => at.Kind == DateTimeKind.Unspecified
                ? logical is LogicalTypeKind.LocalTimestampMillis or LogicalTypeKind.LocalTimestampMicros
                : logical is LogicalTypeKind.TimestampMillis or LogicalTypeKind.TimestampMicros,
            Guid => logical == LogicalTypeKind.Uuid,
            AvroDecimal or decimal => logical == LogicalTypeKind.Decimal,
            AvroDuration => logical == LogicalTypeKind.Duration,
            IDictionary => branch.Type == AvroType.Map,
            IEnumerable => branch.Type == AvroType.Array,
            _ => false,
        };
    }

    private static bool Promotable(AvroType branch, object? datum) => datum switch
    {
        int => branch is AvroType.Long or AvroType.Float or AvroType.Double,
        long => branch is AvroType.Float or AvroType.Double,
        float => branch == AvroType.Double,
        _ => false,
    };
}
