using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;

namespace Bridge.Eventing.Avro.Schemas;

/// <summary>
/// A <c>record</c> (or an <c>error</c>, <see cref="IsError"/>): the concatenation of its
/// <see cref="Fields"/> in order. A record may contain itself (through a union, array or map);
/// the inner reference is this same instance.
/// </summary>
public sealed class RecordSchema : NamedSchema
{
    private ImmutableArray<RecordField> _fields;
    private Dictionary<string, RecordField>? _byName;

    internal RecordSchema(string name, string? space, ImmutableArray<string> aliases, string? doc, bool isError,
        LogicalType? logicalType = null, IReadOnlyDictionary<string, JsonElement>? properties = null)
        : base(AvroType.Record, name, space, aliases, doc, logicalType, properties)
    {
        IsError = isError;
    }

    /// <summary>True for a type declared <c>"error"</c> (a protocol's error record); same encoding as a record.</summary>
    public bool IsError { get; }

    /// <summary>The fields in declaration order; <c>Fields[i].Position == i</c>.</summary>
    public ImmutableArray<RecordField> Fields
    {
        get
        {
            Debug.Assert(!_fields.IsDefault, "read before the parser set the fields");
            return _fields;
        }
    }

    /// <summary>The field named <paramref name="name"/> (case-sensitive; aliases do not count), or null. Constant time.</summary>
    public RecordField? GetField(string name) => _byName!.GetValueOrDefault(name);

    /// <summary>
    /// Sets the fields once, after the record itself was registered under its name so that its
    /// fields could refer to it (the only mutation, done by the parser before the schema escapes).
    /// </summary>
    internal void SetFields(ImmutableArray<RecordField> fields)
    {
        Debug.Assert(_fields.IsDefault, "fields set twice");
        var byName = new Dictionary<string, RecordField>(fields.Length, StringComparer.Ordinal);
        foreach (var f in fields) byName.Add(f.Name, f);
        _byName = byName;
        _fields = fields;
    }
}

/// <summary>A field of a <see cref="RecordSchema"/> (specification, "Records").</summary>
public sealed class RecordField
{
    internal RecordField(string name, int position, AvroSchema schema, JsonElement? defaultValue, SortOrder order,
        ImmutableArray<string> aliases, string? doc, IReadOnlyDictionary<string, JsonElement> properties)
    {
        Name = name;
        Position = position;
        Schema = schema;
        Default = defaultValue;
        Order = order;
        Aliases = aliases.IsDefault ? [] : aliases;
        Doc = doc;
        Properties = properties;
    }

    /// <summary>The field's name, <c>[A-Za-z_][A-Za-z0-9_]*</c>, unique within its record.</summary>
    public string Name { get; }

    /// <summary>Index of the field in <see cref="RecordSchema.Fields"/> (the order it is encoded in).</summary>
    public int Position { get; }

    /// <summary>The field's schema.</summary>
    public AvroSchema Schema { get; }

    /// <summary>
    /// The <c>default</c> value as written (JSON), or null when the field has none (a JSON
    /// <c>null</c> default is a value whose kind is <see cref="JsonValueKind.Null"/>). The parser
    /// checked it against <see cref="Schema"/>: for a union, against its first branch, at every
    /// level (1.11); bytes and fixed as strings of code points 0–255, one per byte.
    /// </summary>
    public JsonElement? Default { get; }

    /// <summary>True when the field has a <c>default</c>.</summary>
    public bool HasDefault => Default.HasValue;

    /// <summary>The field's sort order (default <see cref="SortOrder.Ascending"/>).</summary>
    public SortOrder Order { get; }

    /// <summary>Alternate names of the field (plain names, no namespace).</summary>
    public ImmutableArray<string> Aliases { get; }

    /// <summary>The <c>doc</c> attribute, or null.</summary>
    public string? Doc { get; }

    /// <summary>The field's attributes other than name, type, default, order, aliases and doc, as written.</summary>
    public IReadOnlyDictionary<string, JsonElement> Properties { get; }

    /// <summary>"name: schema-json", for debugging.</summary>
    public override string ToString() => $"{Name}: {Schema.ToJson()}";
}
