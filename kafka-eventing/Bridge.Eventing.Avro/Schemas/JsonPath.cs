using System.Text;

namespace Bridge.Eventing.Avro.Schemas;

/// <summary>
/// Where the parser is in the schema document, as a chain of steps that costs one small object
/// per step and becomes text (<c>$.fields[2].type</c>) only when an error needs it.
/// </summary>
internal sealed class JsonPath
{
    private readonly JsonPath? _parent;
    private readonly string? _property;
    private readonly int _index;

    private JsonPath(JsonPath? parent, string? property, int index)
    {
        _parent = parent;
        _property = property;
        _index = index;
    }

    public static JsonPath Root { get; } = new(null, null, -1);

    public JsonPath Property(string name) => new(this, name, -1);

    public JsonPath Index(int index) => new(this, null, index);

    public override string ToString()
    {
        var steps = new Stack<JsonPath>();
        for (var p = this; p._parent is not null; p = p._parent) steps.Push(p);
        var sb = new StringBuilder("$");
        foreach (var step in steps)
        {
            if (step._property is null) sb.Append('[').Append(step._index).Append(']');
            else if (SchemaText.IsValidName(step._property)) sb.Append('.').Append(step._property);
            else sb.Append("[\"").Append(step._property.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append("\"]");
        }
        return sb.ToString();
    }
}
