namespace Bridge.Eventing.Avro.Json;

/// <summary>
/// JSON that is not a valid Avro JSON encoding (Avro 1.11 specification, "JSON Encoding") of a
/// datum of the schema: malformed JSON, a value of the wrong JSON type, an integer out of range, an
/// unknown or repeated record field, a missing field without a default, a union value naming no
/// branch, JSON nested past <see cref="AvroJsonOptions.MaxDepth"/>. <see cref="Path"/> names the
/// place in the JSON document, e.g. <c>$.tasks[3].state</c>. The only exception
/// <see cref="AvroJsonReader"/> throws for bad input.
/// </summary>
public sealed class AvroJsonException : Exception
{
    /// <summary>An error at <paramref name="path"/> (JSONPath, <c>$</c> for the whole document) with <paramref name="detail"/>.</summary>
    public AvroJsonException(string path, string detail, Exception? inner = null)
        : base($"{path}: {detail}", inner)
    {
        Path = path;
        Detail = detail;
    }

    /// <summary>
    /// Where in the JSON: <c>$</c>, then <c>.name</c> for a member whose name is an identifier,
    /// <c>["other key"]</c> for any other member (a map key, a union branch such as
    /// <c>["bridge.Suit"]</c>), <c>[3]</c> for an array item. For malformed JSON, <c>$</c>, with the
    /// line and byte position in <see cref="Detail"/> and the <see cref="System.Text.Json.JsonException"/>
    /// as the inner exception.
    /// </summary>
    public string Path { get; }

    /// <summary>What is wrong there.</summary>
    public string Detail { get; }
}
