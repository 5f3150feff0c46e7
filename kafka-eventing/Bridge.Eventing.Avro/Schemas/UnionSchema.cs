using System.Collections.Immutable;

namespace Bridge.Eventing.Avro.Schemas;

/// <summary>
/// A union (a JSON array of schemas). The parser guarantees the specification's rules: no branch
/// is itself a union, no two branches have the same unnamed type (logical types do not make a
/// difference: <c>int</c> and a <c>date</c> clash), named branches have distinct full names.
/// The binary encoding writes a value's branch as its index in <see cref="Branches"/>.
/// </summary>
public sealed class UnionSchema : AvroSchema
{
    internal UnionSchema(ImmutableArray<AvroSchema> branches)
        : base(AvroType.Union, logicalType: null, properties: null)
    {
        Branches = branches;
    }

    /// <summary>The branches in declaration order (possibly none).</summary>
    public ImmutableArray<AvroSchema> Branches { get; }
}
