using Bridge.Eventing.Avro.Binary;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Codec;

/// <summary>
/// One step of a resolved read (a node of the plan <see cref="ReadPlanBuilder"/> builds once per
/// writer/reader pair): reads a value the writer wrote and returns it as the reader wants it.
/// </summary>
internal abstract class ReadNode
{
    public abstract object? Read(ref AvroBinaryReader reader, ref ReadState state);
}

/// <summary>A primitive, promoted from the writer's kind to the reader's (int to long, bytes to string, ...).</summary>
internal sealed class PrimitiveNode(AvroType writer, AvroType reader) : ReadNode
{
    public override object? Read(ref AvroBinaryReader r, ref ReadState state)
    {
        switch (writer)
        {
            case AvroType.Null: return null;
            case AvroType.Boolean: return r.ReadBoolean();
            case AvroType.Int:
                var i = r.ReadInt();
                // Each arm boxed on its own: a switch expression would convert them all to their common type, double.
                return reader switch { AvroType.Long => (object)(long)i, AvroType.Float => (float)i, AvroType.Double => (double)i, _ => i };
            case AvroType.Long:
                var l = r.ReadLong();
                return reader switch { AvroType.Float => (object)(float)l, AvroType.Double => (double)l, _ => l };
            case AvroType.Float:
                var f = r.ReadFloat();
                return reader == AvroType.Double ? (double)f : (object)f;
            case AvroType.Double: return r.ReadDouble();
            case AvroType.Bytes:
                // Bytes read as a string must be UTF-8, like any string.
                return reader == AvroType.String ? r.ReadString() : r.ReadBytes();
            default:
                return reader == AvroType.Bytes ? r.ReadBytes() : r.ReadString();
        }
    }
}

/// <summary>Where the plan stops: only data nested past <see cref="DecodeLimits.MaxDepth"/> could get here.</summary>
internal sealed class TooDeepNode(int maxDepth) : ReadNode
{
    public override object? Read(ref AvroBinaryReader r, ref ReadState state) =>
        throw new AvroDecodeException(r.Position, $"the datum nests deeper than {maxDepth} levels");
}

/// <summary>A value of the reader's logical type, converted from its underlying value.</summary>
internal sealed class LogicalNode(ReadNode inner, LogicalType logical) : ReadNode
{
    public override object? Read(ref AvroBinaryReader r, ref ReadState state)
    {
        var start = r.Position;
        var raw = inner.Read(ref r, ref state)!;
        var value = LogicalValues.FromUnderlying(logical, raw, out var error);
        return error is null ? value : throw new AvroDecodeException(start, error);
    }
}

/// <summary>A fixed of the reader's schema.</summary>
internal sealed class FixedNode(FixedSchema reader) : ReadNode
{
    public override object? Read(ref AvroBinaryReader r, ref ReadState state) =>
        new GenericFixed(reader, r.ReadFixed(reader.Size).ToArray());
}

/// <summary>An enum: the writer's index mapped to the reader's symbol, or the reader's default symbol.</summary>
internal sealed class EnumNode : ReadNode
{
    private readonly EnumSchema _writer;
    private readonly EnumSchema _reader;
    private readonly GenericEnum?[] _byWriterIndex;

    public EnumNode(EnumSchema writer, EnumSchema reader)
    {
        _writer = writer;
        _reader = reader;
        _byWriterIndex = writer.Symbols.Select(symbol =>
            reader.IndexOf(symbol) >= 0 ? new GenericEnum(reader, symbol)
            : reader.Default is { } fallback ? new GenericEnum(reader, fallback)
            : null).ToArray();
    }

    public override object? Read(ref AvroBinaryReader r, ref ReadState state)
    {
        var start = r.Position;
        var index = r.ReadInt();
        if ((uint)index >= (uint)_byWriterIndex.Length)
            throw new AvroDecodeException(start, $"enum {_writer.FullName} index {index} is not within its {_byWriterIndex.Length} symbols");
        return _byWriterIndex[index] ?? throw new AvroDecodeException(start,
            $"symbol '{_writer.Symbols[index]}' of the writer's enum {_writer.FullName} is not in the reader's enum {_reader.FullName}, which has no default");
    }
}

/// <summary>An array, block by block, each block's count checked before anything is allocated.</summary>
internal sealed class ArrayNode(ReadNode items, int itemMinBytes) : ReadNode
{
    public override object? Read(ref AvroBinaryReader r, ref ReadState state)
    {
        state.Enter(ref r);
        var list = new List<object?>();
        long count;
        while ((count = r.ReadBlockCount(out _)) != 0)
        {
            state.Charge(count, itemMinBytes, ref r, "an array block");
            list.Capacity = checked(list.Count + (int)count);
            for (var i = 0; i < count; i++) list.Add(items.Read(ref r, ref state));
        }
        state.Leave();
        return list;
    }
}

/// <summary>A map, block by block; a key repeated within one map keeps its last value, as Java does.</summary>
internal sealed class MapNode(ReadNode values, int valueMinBytes) : ReadNode
{
    public override object? Read(ref AvroBinaryReader r, ref ReadState state)
    {
        state.Enter(ref r);
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        long count;
        while ((count = r.ReadBlockCount(out _)) != 0)
        {
            state.Charge(count, 1 + valueMinBytes, ref r, "a map block");
            map.EnsureCapacity(checked(map.Count + (int)count));
            for (var i = 0; i < count; i++)
            {
                var key = r.ReadString();
                map[key] = values.Read(ref r, ref state);
            }
        }
        state.Leave();
        return map;
    }
}

/// <summary>A writer union: the branch index, then that branch resolved against the reader (or the reason it cannot be).</summary>
internal sealed class WriterUnionNode(UnionSchema writer, ReadNode?[] branches, string?[] errors) : ReadNode
{
    public override object? Read(ref AvroBinaryReader r, ref ReadState state)
    {
        var start = r.Position;
        var index = r.ReadInt();
        if ((uint)index >= (uint)branches.Length)
            throw new AvroDecodeException(start, $"union branch {index} is not within the writer union's {branches.Length} branches");
        var node = branches[index] ?? throw new AvroDecodeException(start, $"union branch {index} ({UnionBranches.Describe(writer)}) cannot be read: {errors[index]}");
        // A union adds no level: a union cannot hold a union, so the records, arrays and maps inside bound it.
        return node.Read(ref r, ref state);
    }
}

/// <summary>
/// A record: the writer's fields in the writer's order, each read into its reader field or
/// skipped; then the reader fields the writer lacks, from their defaults.
/// </summary>
internal sealed class RecordNode(RecordSchema reader) : ReadNode
{
    /// <summary>Per writer field: the reader position (-1 to skip), and how to read it (or the writer schema to skip).</summary>
    public (int Target, ReadNode? Node, AvroSchema WriterSchema)[] Steps { get; set; } = [];

    /// <summary>The reader fields the writer lacks, with their decoded defaults.</summary>
    public FieldDefault[] Defaults { get; set; } = [];

    public override object? Read(ref AvroBinaryReader r, ref ReadState state)
    {
        state.Enter(ref r);
        state.Charge(reader.Fields.Length, 0, ref r, $"record {reader.FullName}");
        var record = new GenericRecord(reader);
        foreach (var (target, node, writerSchema) in Steps)
        {
            if (target >= 0) record[target] = node!.Read(ref r, ref state);
            else DatumSkipper.Skip(writerSchema, ref r, ref state);
        }
        foreach (var fieldDefault in Defaults) record[fieldDefault.Position] = fieldDefault.Value();
        state.Leave();
        return record;
    }
}

/// <summary>A reader field's default as a datum: shared when immutable, decoded afresh for each record when not.</summary>
internal sealed class FieldDefault(RecordField readerField, object? decoded)
{
    public int Position => readerField.Position;

    public object? Value() => decoded is null or string or GenericEnum or ValueType
        ? decoded
        : DefaultValues.ToDatum(readerField.Schema, readerField.Default!.Value);
}
