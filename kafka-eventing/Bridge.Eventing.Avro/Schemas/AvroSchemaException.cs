namespace Bridge.Eventing.Avro.Schemas;

/// <summary>
/// Schema text that is not a valid Avro 1.11 schema: not JSON (or over the parser's limits), or
/// JSON that breaks a rule of the schema language. <see cref="Path"/> names the offending element
/// of the schema document in JSONPath form (<c>$</c> is the whole document, e.g.
/// <c>$.fields[2].type.items</c>), and <see cref="Detail"/> says what is wrong there.
/// </summary>
public sealed class AvroSchemaException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">JSONPath of the offending element (<c>$</c> for the whole document).</param>
    /// <param name="detail">What is wrong there.</param>
    /// <param name="inner">The underlying exception (a JSON syntax error), if any.</param>
    public AvroSchemaException(string path, string detail, Exception? inner = null)
        : base($"Invalid Avro schema at {path}: {detail}", inner)
    {
        Path = path;
        Detail = detail;
    }

    /// <summary>JSONPath of the offending element, e.g. <c>$.fields[2].type.items</c>.</summary>
    public string Path { get; }

    /// <summary>What is wrong, without the path.</summary>
    public string Detail { get; }
}
