using System.Collections;

namespace Bridge.Kernel;

/// <summary>The kind of value an agent attribute holds (Mesos <c>Attribute</c> types).</summary>
public enum AttributeType
{
    /// <summary>Free text: <c>rack:r1</c>.</summary>
    Text,
    /// <summary>A number: <c>cores:8</c>.</summary>
    Scalar,
    /// <summary>Integer ranges: <c>slots:[1-4]</c>.</summary>
    Ranges,
    /// <summary>Text items: <c>tags:{ssd,gpu}</c>.</summary>
    Set,
}

/// <summary>One agent attribute, used by placement constraints (Marathon's LIKE, GROUP_BY, ...).</summary>
public sealed record Attribute
{
    /// <summary>The name, e.g. <c>rack</c>.</summary>
    public required string Name { get; init; }
    /// <summary>The kind of value.</summary>
    public required AttributeType Type { get; init; }
    /// <summary>The value as text, exactly as written (for TEXT; also the printable form of the others).</summary>
    public required string Text { get; init; }
    /// <summary>The number for <see cref="AttributeType.Scalar"/>.</summary>
    public Scalar Scalar { get; init; }
    /// <summary>The ranges for <see cref="AttributeType.Ranges"/>.</summary>
    public ValueRanges Ranges { get; init; } = ValueRanges.Empty;
    /// <summary>The items for <see cref="AttributeType.Set"/>.</summary>
    public ValueSet Set { get; init; } = ValueSet.Empty;

    /// <inheritdoc />
    public override string ToString() => $"{Name}:{Text}";
}

/// <summary>
/// An agent's attributes (Mesos <c>--attributes</c>): <c>rack:r1;zone:us-east;cores:8;slots:[1-4]</c>.
/// A value is a scalar when it is a non-negative decimal, ranges in <c>[..]</c>, a set in
/// <c>{..}</c>, otherwise text. Names are unique.
/// </summary>
public sealed class Attributes : IReadOnlyCollection<Attribute>
{
    private readonly Attribute[] _items;

    /// <summary>No attributes.</summary>
    public static readonly Attributes Empty = new([]);

    private Attributes(Attribute[] items) => _items = items;

    /// <summary>Parses the Mesos attribute syntax.</summary>
    /// <exception cref="ResourceParseException">An entry is malformed or a name repeats; the message names it and its position.</exception>
    public static Attributes Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var items = new List<Attribute>();
        foreach (var (token, position) in ResourceText.Split(text))
        {
            int colon = token.IndexOf(':');
            if (colon <= 0) throw Bad(token, position, "expected 'name:value'");
            string name = token[..colon].Trim(), value = token[(colon + 1)..].Trim();
            if (value.Length == 0) throw Bad(token, position, "the value is missing");
            if (items.Any(a => a.Name == name)) throw Bad(token, position, $"attribute '{name}' is given twice");
            items.Add(value[0] switch
            {
                '[' => new Attribute { Name = name, Type = AttributeType.Ranges, Text = value, Ranges = ResourceText.ParseRanges(value, token, position) },
                '{' => new Attribute { Name = name, Type = AttributeType.Set, Text = value, Set = ResourceText.ParseSet(value, token, position) },
                _ when Scalar.TryParse(value, out var s) => new Attribute { Name = name, Type = AttributeType.Scalar, Text = value, Scalar = s },
                _ => new Attribute { Name = name, Type = AttributeType.Text, Text = value },
            });
        }
        return items.Count == 0 ? Empty : new Attributes([.. items]);
    }

    /// <summary>The attribute named <paramref name="name"/>, or null.</summary>
    public Attribute? Get(string name) => Array.Find(_items, a => a.Name == name);

    /// <summary>Number of attributes.</summary>
    public int Count => _items.Length;

    /// <summary>Mesos text form, in the given order.</summary>
    public override string ToString() => string.Join(";", _items.Select(a => a.ToString()));

    /// <inheritdoc />
    public IEnumerator<Attribute> GetEnumerator() => ((IEnumerable<Attribute>)_items).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static ResourceParseException Bad(string token, int position, string why) =>
        new($"bad attribute '{token}' at position {position}: {why}", token, position);
}
