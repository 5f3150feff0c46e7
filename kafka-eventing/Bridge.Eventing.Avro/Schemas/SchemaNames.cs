using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Bridge.Eventing.Avro.Schemas;

/// <summary>
/// An immutable set of named types by full name, for parsing schemas that refer to types
/// defined in other schemas (<see cref="AvroSchema.Parse(string, SchemaNames?)"/>): e.g. a
/// registry parses each referenced schema, adds it, and parses the referring one with the result.
/// </summary>
public sealed class SchemaNames : IReadOnlyCollection<NamedSchema>
{
    private readonly ImmutableDictionary<string, NamedSchema> _byName;

    private SchemaNames(ImmutableDictionary<string, NamedSchema> byName) => _byName = byName;

    /// <summary>No names.</summary>
    public static SchemaNames Empty { get; } = new(ImmutableDictionary.Create<string, NamedSchema>(StringComparer.Ordinal));

    /// <summary>How many named types.</summary>
    public int Count => _byName.Count;

    /// <summary>The named type with <paramref name="fullName"/> (case-sensitive), if any.</summary>
    public bool TryGet(string fullName, [MaybeNullWhen(false)] out NamedSchema schema) => _byName.TryGetValue(fullName, out schema);

    /// <summary>
    /// These names plus every named type <paramref name="schema"/> contains (itself, nested
    /// definitions, and types it uses from elsewhere). A name already here must be the same
    /// instance. Linear in the size of <paramref name="schema"/>; this set is not changed.
    /// </summary>
    /// <exception cref="AvroSchemaException">A full name here already belongs to a different definition (path <c>$</c>).</exception>
    public SchemaNames Add(AvroSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var builder = _byName.ToBuilder();
        var visited = new HashSet<AvroSchema>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<AvroSchema>();
        pending.Push(schema);
        while (pending.Count > 0)
        {
            var s = pending.Pop();
            if (!visited.Add(s)) continue;
            switch (s)
            {
                case NamedSchema named:
                    if (builder.TryGetValue(named.FullName, out var existing) && !ReferenceEquals(existing, named))
                        throw new AvroSchemaException("$", $"defines \"{named.FullName}\", which is already a different known type");
                    builder[named.FullName] = named;
                    if (named is RecordSchema record)
                        foreach (var f in record.Fields) pending.Push(f.Schema);
                    break;
                case ArraySchema array: pending.Push(array.Items); break;
                case MapSchema map: pending.Push(map.Values); break;
                case UnionSchema union:
                    foreach (var b in union.Branches) pending.Push(b);
                    break;
            }
        }
        return new SchemaNames(builder.ToImmutable());
    }

    /// <summary>The named types, in no particular order.</summary>
    public IEnumerator<NamedSchema> GetEnumerator() => _byName.Values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
