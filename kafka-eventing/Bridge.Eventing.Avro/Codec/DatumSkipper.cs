using Bridge.Eventing.Avro.Binary;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Codec;

/// <summary>
/// Skips a value of the writer's schema without building it (a field the reader does not have).
/// Blocks with a byte size are skipped in one step; items of a zero-byte type cost nothing to skip,
/// and any other item takes at least a byte, so a hostile count cannot make skipping loop long.
/// </summary>
internal static class DatumSkipper
{
    public static void Skip(AvroSchema schema, ref AvroBinaryReader r, ref ReadState state)
    {
        switch (schema)
        {
            case RecordSchema record:
                state.Enter(ref r);
                foreach (var field in record.Fields) Skip(field.Schema, ref r, ref state);
                state.Leave();
                return;
            case ArraySchema array:
                SkipBlocks(array.Items, keyed: false, ref r, ref state);
                return;
            case MapSchema map:
                SkipBlocks(map.Values, keyed: true, ref r, ref state);
                return;
            case UnionSchema union:
                var start = r.Position;
                var index = r.ReadInt();
                if ((uint)index >= (uint)union.Branches.Length)
                    throw new AvroDecodeException(start, $"union branch {index} is not within the writer union's {union.Branches.Length} branches");
                Skip(union.Branches[index], ref r, ref state);
                return;
            case FixedSchema f:
                r.Skip(f.Size);
                return;
        }
        switch (schema.Type)
        {
            case AvroType.Null: return;
            case AvroType.Boolean: r.ReadBoolean(); return;
            case AvroType.Int or AvroType.Enum: r.ReadInt(); return;
            case AvroType.Long: r.ReadLong(); return;
            case AvroType.Float: r.Skip(4); return;
            case AvroType.Double: r.Skip(8); return;
            default: r.ReadBytesSpan(); return; // bytes and string: a bounded length, then skipped without a copy
        }
    }

    private static void SkipBlocks(AvroSchema items, bool keyed, ref AvroBinaryReader r, ref ReadState state)
    {
        state.Enter(ref r);
        var itemMin = MinimumSize.Of(items) + (keyed ? 1 : 0);
        long count;
        while ((count = r.ReadBlockCount(out var blockBytes)) != 0)
        {
            if (blockBytes >= 0)
            {
                r.Skip(blockBytes);
                continue;
            }
            if (itemMin == 0) continue; // nothing on the wire to skip
            if (count > r.Remaining / itemMin)
                throw new AvroDecodeException(r.Position, $"a block of {count} items cannot fit in the {r.Remaining} bytes left");
            for (var i = 0; i < count; i++)
            {
                if (keyed) r.ReadBytesSpan();
                Skip(items, ref r, ref state);
            }
        }
        state.Leave();
    }
}

/// <summary>The fewest bytes a value of a schema can take on the wire (0 only for types that are always empty).</summary>
internal static class MinimumSize
{
    // Records nested directly in records deeper than this count as 0 bytes: smaller is always safe
    // (the bound only gets weaker), and a chain of named types can be far deeper than the stack.
    private const int MaxNesting = 64;

    public static int Of(AvroSchema schema) => Of(schema, []);

    private static int Of(AvroSchema schema, HashSet<AvroSchema> visiting) => schema switch
    {
        // A record that contains itself without a union or collection between has no finite value; 0 keeps the bound safe.
        RecordSchema record => visiting.Count < MaxNesting && visiting.Add(record) ? SumFields(record, visiting) : 0,
        FixedSchema f => f.Size,
        _ => schema.Type switch
        {
            AvroType.Null => 0,
            AvroType.Float => 4,
            AvroType.Double => 8,
            _ => 1, // boolean, varints, lengths, enum index, union index, block count
        },
    };

    private static int SumFields(RecordSchema record, HashSet<AvroSchema> visiting)
    {
        long sum = 0;
        foreach (var field in record.Fields) sum += Of(field.Schema, visiting);
        visiting.Remove(record);
        return (int)Math.Min(sum, int.MaxValue);
    }
}
