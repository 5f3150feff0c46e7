using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Resolution;

/// <summary>
/// The matching rules of schema resolution (Avro 1.11 specification, "Schema Resolution"), in one
/// place: the decoder's resolution plan and the registry's compatibility check both ask these.
/// Pure functions over schemas; nothing here reads data.
/// </summary>
public static class ResolutionRules
{
    /// <summary>
    /// Whether a writer's named type and a reader's named type match by name: the same unqualified
    /// name (the specification compares unqualified names), or the writer's full name is one of the
    /// reader's aliases. The kinds must also agree; sizes and symbols are checked by the caller.
    /// </summary>
    public static bool NamesMatch(NamedSchema writer, NamedSchema reader) =>
        writer.Type == reader.Type && (writer.Name == reader.Name || reader.Aliases.Contains(writer.FullName));

    /// <summary>
    /// Whether a value of primitive kind <paramref name="writer"/> may be read as
    /// <paramref name="reader"/>: the same kind, or a promotion (int to long, float or double; long
    /// to float or double; float to double; string to bytes; bytes to string).
    /// </summary>
    public static bool IsPromotable(AvroType writer, AvroType reader) => writer == reader || (writer, reader) switch
    {
        (AvroType.Int, AvroType.Long or AvroType.Float or AvroType.Double) => true,
        (AvroType.Long, AvroType.Float or AvroType.Double) => true,
        (AvroType.Float, AvroType.Double) => true,
        (AvroType.String, AvroType.Bytes) or (AvroType.Bytes, AvroType.String) => true,
        _ => false,
    };

    /// <summary>Whether <paramref name="type"/> is one of the eight primitive kinds.</summary>
    public static bool IsPrimitive(AvroType type) => type <= AvroType.String;

    /// <summary>
    /// The writer field a reader field takes its value from: the field with the reader field's name,
    /// else the first whose name is one of the reader field's aliases; null when the writer has none
    /// (the reader field then needs a default).
    /// </summary>
    public static RecordField? WriterFieldFor(RecordField readerField, RecordSchema writer)
    {
        if (writer.GetField(readerField.Name) is { } byName) return byName;
        foreach (var alias in readerField.Aliases)
            if (writer.GetField(alias) is { } byAlias) return byAlias;
        return null;
    }

    /// <summary>
    /// Whether a writer's (non-union) schema could match a reader's (non-union) schema at the top
    /// level: the rule a reader union uses to pick its branch. Named types match by
    /// <see cref="NamesMatch"/> (fixed also by size); arrays and maps match arrays and maps (their
    /// items are resolved afterwards); primitives match by <see cref="IsPromotable"/>.
    /// </summary>
    public static bool ShallowMatch(AvroSchema writer, AvroSchema reader) => (writer, reader) switch
    {
        (FixedSchema w, FixedSchema r) => NamesMatch(w, r) && w.Size == r.Size,
        (NamedSchema w, NamedSchema r) => NamesMatch(w, r),
        (ArraySchema, ArraySchema) or (MapSchema, MapSchema) => true,
        _ => IsPrimitive(writer.Type) && IsPrimitive(reader.Type) && IsPromotable(writer.Type, reader.Type),
    };

    /// <summary>
    /// The index of the reader union branch a writer's (non-union) schema resolves to: the first
    /// branch that matches exactly (same kind, or same name), else the first that matches by
    /// promotion (Java and Python pick exact matches first, so <c>int</c> into
    /// <c>["long","int"]</c> is read as the <c>int</c>); -1 when none does.
    /// </summary>
    public static int ReaderBranchFor(AvroSchema writer, UnionSchema reader)
    {
        var branches = reader.Branches;
        for (var i = 0; i < branches.Length; i++)
            if (branches[i].Type == writer.Type && ShallowMatch(writer, branches[i])) return i;
        for (var i = 0; i < branches.Length; i++)
            if (ShallowMatch(writer, branches[i])) return i;
        return -1;
    }
}
