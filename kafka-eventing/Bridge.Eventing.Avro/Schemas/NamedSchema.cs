using System.Collections.Immutable;
using System.Text.Json;

namespace Bridge.Eventing.Avro.Schemas;

/// <summary>
/// A named type: <see cref="RecordSchema"/>, <see cref="EnumSchema"/> or <see cref="FixedSchema"/>
/// (specification, "Names"). Names compare by <see cref="FullName"/>, case-sensitively.
/// </summary>
public abstract class NamedSchema : AvroSchema
{
    private protected NamedSchema(AvroType type, string name, string? space, ImmutableArray<string> aliases, string? doc,
        LogicalType? logicalType, IReadOnlyDictionary<string, JsonElement>? properties)
        : base(type, logicalType, properties)
    {
        Name = name;
        Namespace = space;
        FullName = space is null ? name : $"{space}.{name}";
        Aliases = aliases.IsDefault ? [] : aliases;
        Doc = doc;
    }

    /// <summary>The simple name, <c>[A-Za-z_][A-Za-z0-9_]*</c>, e.g. <c>"Name"</c> of <c>a.full.Name</c>.</summary>
    public string Name { get; }

    /// <summary>The namespace, dot-separated names (e.g. <c>"a.full"</c>), or null for the null namespace.</summary>
    public string? Namespace { get; }

    /// <summary>Namespace and name joined by a dot, or the name alone in the null namespace.</summary>
    public string FullName { get; }

    /// <summary>
    /// Alternate full names (specification, "Aliases"): an alias without a dot was resolved
    /// against this type's namespace, so an alias <c>c</c> of <c>a.b</c> is <c>a.c</c>.
    /// </summary>
    public ImmutableArray<string> Aliases { get; }

    /// <summary>The <c>doc</c> attribute, or null.</summary>
    public string? Doc { get; }

    /// <summary>Set by the parser: the nesting height of this type's definition when written out in full, for depth limits.</summary>
    internal int DefinitionHeight { get; set; } = 1;
}
