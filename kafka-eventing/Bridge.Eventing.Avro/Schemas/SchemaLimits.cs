namespace Bridge.Eventing.Avro.Schemas;

/// <summary>
/// The parser's bounds on hostile input (<see cref="AvroSchema.Parse(string)"/>): past any of
/// them it fails with an <see cref="AvroSchemaException"/> instead of allocating, recursing or
/// working without bound. Real schemas stay far inside them.
/// </summary>
public static class SchemaLimits
{
    /// <summary>Longest schema text accepted, in UTF-16 characters: 4 Mi (4,194,304).</summary>
    public const int MaxLength = 4 * 1024 * 1024;

    /// <summary>
    /// Deepest nesting of schemas (a record's field type, an array's items, a map's values, a
    /// union's branch each go one level down; the top schema is level 1): 128. A named type
    /// defined elsewhere (<see cref="SchemaNames"/>) counts with the height of its definition
    /// where it is first used, since <see cref="AvroSchema.ToJson"/> writes it out in full there.
    /// </summary>
    public const int MaxDepth = 128;

    /// <summary>
    /// Deepest nesting of JSON arrays and objects in the text, default values included: 512
    /// (a record's fields cost three JSON levels per schema level, so 128 nested records fit).
    /// </summary>
    public const int MaxJsonDepth = 512;
}
