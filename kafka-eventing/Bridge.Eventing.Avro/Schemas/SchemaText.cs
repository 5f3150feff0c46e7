namespace Bridge.Eventing.Avro.Schemas;

/// <summary>The words of the schema language and its name rules (specification, "Names").</summary>
internal static class SchemaText
{
    public static string TypeName(AvroType type) => type switch
    {
        AvroType.Null => "null",
        AvroType.Boolean => "boolean",
        AvroType.Int => "int",
        AvroType.Long => "long",
        AvroType.Float => "float",
        AvroType.Double => "double",
        AvroType.Bytes => "bytes",
        AvroType.String => "string",
        AvroType.Record => "record",
        AvroType.Enum => "enum",
        AvroType.Array => "array",
        AvroType.Map => "map",
        AvroType.Union => "union",
        AvroType.Fixed => "fixed",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The shared primitive schema named <paramref name="name"/>, or null if it is not a primitive type name.</summary>
    public static PrimitiveSchema? Primitive(string name) => name switch
    {
        "null" => AvroSchema.Null,
        "boolean" => AvroSchema.Boolean,
        "int" => AvroSchema.Int,
        "long" => AvroSchema.Long,
        "float" => AvroSchema.Float,
        "double" => AvroSchema.Double,
        "bytes" => AvroSchema.Bytes,
        "string" => AvroSchema.String,
        _ => null,
    };

    /// <summary>True for <c>[A-Za-z_][A-Za-z0-9_]*</c> (ASCII only).</summary>
    public static bool IsValidName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || !(char.IsAsciiLetter(name[0]) || name[0] == '_')) return false;
        foreach (var c in name[1..])
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_')) return false;
        return true;
    }

    /// <summary>
    /// Null when <paramref name="dotted"/> is one or more valid names joined by single dots,
    /// else why not (for an error message).
    /// </summary>
    public static string? DottedNameProblem(string dotted)
    {
        var rest = dotted.AsSpan();
        while (true)
        {
            var dot = rest.IndexOf('.');
            var part = dot < 0 ? rest : rest[..dot];
            if (part.IsEmpty) return "it has an empty part (a leading, trailing or doubled dot)";
            if (!IsValidName(part)) return $"its part \"{part}\" {NameRule}";
            if (dot < 0) return null;
            rest = rest[(dot + 1)..];
        }
    }

    /// <summary>
    /// Text from the schema, quoted for a message and cut to 64 characters, so that an error
    /// about a 4 MB name does not carry 4 MB.
    /// </summary>
    public static string Quote(string text) => text.Length <= 64 ? $"\"{text}\"" : $"\"{text[..61]}...\"";

    public const string NameRule = "does not match [A-Za-z_][A-Za-z0-9_]*";

    /// <summary>The text of a JSON value kind for messages: "a number", "an array"...</summary>
    public static string Describe(System.Text.Json.JsonValueKind kind) => kind switch
    {
        System.Text.Json.JsonValueKind.Object => "an object",
        System.Text.Json.JsonValueKind.Array => "an array",
        System.Text.Json.JsonValueKind.String => "a string",
        System.Text.Json.JsonValueKind.Number => "a number",
        System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "a boolean",
        System.Text.Json.JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
