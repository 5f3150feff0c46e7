using Bridge.Eventing.Avro.Resolution;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Codec;

/// <summary>
/// Resolves a writer schema against a reader schema once (Avro 1.11 specification, "Schema
/// Resolution"), building the tree of <see cref="ReadNode"/>s a <see cref="DatumReader"/> runs for
/// every datum. Records are memoised per (writer, reader) pair, so recursive schemas give a finite,
/// cyclic plan. The matching rules themselves are <see cref="ResolutionRules"/>.
/// </summary>
internal sealed class ReadPlanBuilder(DecodeLimits limits)
{
    private readonly Dictionary<(AvroSchema Writer, AvroSchema Reader), RecordNode> _records = [];
    private int _depth;

    public ReadNode Build(AvroSchema writer, AvroSchema reader, string path)
    {
        // Of any three nested levels of the plan one at least enters a record, array or map (a writer
        // union and a reader union may come between), so a plan deeper than three times the datum
        // depth limit is unreachable by data within the limits. A
        // schema can chain named types far deeper than it is written (each defined beside the last):
        // stopping here keeps the build off the end of the stack.
        if (_depth > 3 * limits.MaxDepth + 3) return new TooDeepNode(limits.MaxDepth);
        _depth++;
        try
        {
            return BuildAtDepth(writer, reader, path);
        }
        finally
        {
            _depth--;
        }
    }

    private ReadNode BuildAtDepth(AvroSchema writer, AvroSchema reader, string path)
    {
        if (writer is UnionSchema writerUnion) return WriterUnion(writerUnion, reader, path);
        if (reader is UnionSchema readerUnion)
        {
            var branch = ResolutionRules.ReaderBranchFor(writer, readerUnion);
            if (branch < 0)
                throw new AvroResolutionException(path, $"the writer's {Describe(writer)} matches no branch of the reader's union {UnionBranches.Describe(readerUnion)}");
            return Build(writer, readerUnion.Branches[branch], path);
        }
        var node = Resolve(writer, reader, path);
        return reader.LogicalType is { } logical ? new LogicalNode(node, logical) : node;
    }

    private ReadNode Resolve(AvroSchema writer, AvroSchema reader, string path)
    {
        switch (writer, reader)
        {
            case (RecordSchema w, RecordSchema r) when ResolutionRules.NamesMatch(w, r): return Record(w, r, path);
            case (EnumSchema w, EnumSchema r) when ResolutionRules.NamesMatch(w, r): return new EnumNode(w, r);
            case (FixedSchema w, FixedSchema r) when ResolutionRules.ShallowMatch(w, r): return new FixedNode(r);
            case (ArraySchema w, ArraySchema r): return new ArrayNode(Build(w.Items, r.Items, path + "[]"), MinimumSize.Of(w.Items));
            case (MapSchema w, MapSchema r): return new MapNode(Build(w.Values, r.Values, path + "[]"), MinimumSize.Of(w.Values));
        }
        if (ResolutionRules.IsPrimitive(writer.Type) && ResolutionRules.IsPrimitive(reader.Type) && ResolutionRules.IsPromotable(writer.Type, reader.Type))
            return new PrimitiveNode(writer.Type, reader.Type);
        var why = (writer, reader) switch
        {
            (FixedSchema w, FixedSchema r) when ResolutionRules.NamesMatch(w, r) => $"fixed sizes differ: the writer's is {w.Size}, the reader's {r.Size}",
            (NamedSchema, NamedSchema) when writer.Type == reader.Type => "the names differ and no reader alias names the writer's type",
            _ => "the types differ and neither is promoted to the other",
        };
        throw new AvroResolutionException(path, $"the writer's {Describe(writer)} cannot be read as the reader's {Describe(reader)}: {why}");
    }

    private ReadNode WriterUnion(UnionSchema writer, AvroSchema reader, string path)
    {
        var branches = new ReadNode?[writer.Branches.Length];
        var errors = new string?[writer.Branches.Length];
        for (var i = 0; i < branches.Length; i++)
        {
            try
            {
                branches[i] = Build(writer.Branches[i], reader, path);
            }
            catch (AvroResolutionException e)
            {
                errors[i] = e.Message;
            }
        }
        // Data can only fail on a branch it selects, so one readable branch makes the pair usable (as in Java and Python).
        if (branches.Length > 0 && branches.All(b => b is null))
            throw new AvroResolutionException(path, $"no branch of the writer's union {UnionBranches.Describe(writer)} can be read: {errors[0]}");
        return new WriterUnionNode(writer, branches, errors);
    }

    private RecordNode Record(RecordSchema writer, RecordSchema reader, string path)
    {
        if (_records.TryGetValue((writer, reader), out var known)) return known;
        var node = new RecordNode(reader);
        _records.Add((writer, reader), node);
        try
        {
            FillRecord(node, writer, reader, path);
            return node;
        }
        catch (AvroResolutionException)
        {
            _records.Remove((writer, reader));
            throw;
        }
    }

    private void FillRecord(RecordNode node, RecordSchema writer, RecordSchema reader, string path)
    {
        var readerFieldFor = new RecordField?[writer.Fields.Length];
        var defaults = new List<FieldDefault>();
        foreach (var readerField in reader.Fields)
        {
            var writerField = ResolutionRules.WriterFieldFor(readerField, writer);
            if (writerField is not null && readerFieldFor[writerField.Position] is null)
            {
                readerFieldFor[writerField.Position] = readerField;
                continue;
            }
            if (!readerField.HasDefault)
                throw new AvroResolutionException($"{path}.{readerField.Name}",
                    $"the reader's field '{readerField.Name}' has no default and the writer's record {writer.FullName} has no field '{readerField.Name}'");
            defaults.Add(new FieldDefault(readerField, DefaultValues.ToDatum(readerField.Schema, readerField.Default!.Value)));
        }
        node.Steps = writer.Fields.Select(writerField => readerFieldFor[writerField.Position] is { } readerField
            ? (readerField.Position, Build(writerField.Schema, readerField.Schema, $"{path}.{readerField.Name}"), writerField.Schema)
            : (-1, (ReadNode?)null, writerField.Schema)).ToArray();
        node.Defaults = defaults.ToArray();
    }

    private static string Describe(AvroSchema schema) => schema switch
    {
        NamedSchema named => $"{schema.Type.ToString().ToLowerInvariant()} {named.FullName}",
        UnionSchema union => $"union {UnionBranches.Describe(union)}",
        _ => schema.Type.ToString().ToLowerInvariant(),
    };
}
