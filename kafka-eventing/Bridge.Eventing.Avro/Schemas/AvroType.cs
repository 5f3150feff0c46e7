namespace Bridge.Eventing.Avro.Schemas;

/// <summary>
/// The fourteen kinds of Avro schema (Avro 1.11 specification, "Primitive Types" and "Complex
/// Types"). An <c>error</c> is a <see cref="Record"/> whose <see cref="RecordSchema.IsError"/>
/// is true; a logical type does not change the kind of the schema it annotates.
/// </summary>
public enum AvroType
{
    /// <summary><c>null</c>: no value.</summary>
    Null,
    /// <summary><c>boolean</c>.</summary>
    Boolean,
    /// <summary><c>int</c>: 32-bit signed.</summary>
    Int,
    /// <summary><c>long</c>: 64-bit signed.</summary>
    Long,
    /// <summary><c>float</c>: IEEE 754 single precision.</summary>
    Float,
    /// <summary><c>double</c>: IEEE 754 double precision.</summary>
    Double,
    /// <summary><c>bytes</c>: a sequence of 8-bit unsigned bytes.</summary>
    Bytes,
    /// <summary><c>string</c>: Unicode text, UTF-8 on the wire.</summary>
    String,
    /// <summary><c>record</c> (or <c>error</c>): named, with fields.</summary>
    Record,
    /// <summary><c>enum</c>: named, one of a list of symbols.</summary>
    Enum,
    /// <summary><c>array</c> of one item schema.</summary>
    Array,
    /// <summary><c>map</c> from string keys to one value schema.</summary>
    Map,
    /// <summary>A union of branch schemas (a JSON array).</summary>
    Union,
    /// <summary><c>fixed</c>: named, a fixed number of bytes.</summary>
    Fixed,
}

/// <summary>How a record field takes part in Avro's sort order (specification, "Sort Order").</summary>
public enum SortOrder
{
    /// <summary><c>"ascending"</c>, the default.</summary>
    Ascending,
    /// <summary><c>"descending"</c>: the field's order is reversed.</summary>
    Descending,
    /// <summary><c>"ignore"</c>: the field is ignored when sorting.</summary>
    Ignore,
}
