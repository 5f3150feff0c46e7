using System.Collections.Immutable;

namespace Bridge.Eventing.Avro.Resolution;

/// <summary>
/// Why data written with one schema cannot be read with another: the kinds of Java's
/// <c>SchemaCompatibility.SchemaIncompatibilityType</c> (Avro 1.11), under our own names.
/// </summary>
public enum IncompatibilityKind
{
    /// <summary>Two named types of the same kind whose names differ and the reader has no alias for the writer's full name. Path ends in <c>/name</c>.</summary>
    NameMismatch,
    /// <summary>Two fixed types (matched by name) of different sizes. Path ends in <c>/size</c>.</summary>
    FixedSizeMismatch,
    /// <summary>The writer's enum has symbols the reader's lacks and the reader's enum has no default symbol. Path ends in <c>/symbols</c>.</summary>
    MissingEnumSymbols,
    /// <summary>A reader field with no default whose name and aliases name no writer field. Path is the field, <c>/fields/i</c>.</summary>
    ReaderFieldMissingDefaultValue,
    /// <summary>Schemas of different kinds with no promotion from the writer's to the reader's (e.g. long read as int, string as record).</summary>
    TypeMismatch,
    /// <summary>A reader union with no branch the writer's value (or one writer union branch) resolves to. Path is the reader union.</summary>
    MissingUnionBranch,
}

/// <summary>
/// One reason data cannot be read: its <see cref="Kind"/>, where in the reader schema
/// (<see cref="Path"/>), and a sentence for a person (<see cref="Message"/>).
/// </summary>
/// <param name="Kind">What is wrong.</param>
/// <param name="Path">
/// Where, in the <em>reader</em> schema's JSON, as a JSON Pointer (RFC 6901) written the way Java's
/// <c>Incompatibility.getLocation()</c> writes it: <c>/</c> for the root, then reference tokens such as
/// <c>/fields/2/type</c>, <c>/fields/0/type/items/1/symbols</c> (union branches by index).
/// </param>
/// <param name="Message">
/// What is wrong in words, e.g. "reader field 'amount' has no default and the writer has no field
/// 'amount'". From <see cref="SchemaCompatibility.Check"/> it starts by naming the direction and the
/// previous schema (by index) it is against.
/// </param>
/// <param name="PreviousIndex">
/// From <see cref="SchemaCompatibility.Check"/>: the index, in its <c>previous</c> list (0 = oldest),
/// of the schema this incompatibility is against; null from <see cref="SchemaCompatibility.CanRead"/>.
/// </param>
public sealed record Incompatibility(IncompatibilityKind Kind, string Path, string Message, int? PreviousIndex = null)
{
    /// <summary>"Kind at Path: Message", for logs and test output.</summary>
    public override string ToString() => $"{Kind} at {Path}: {Message}";
}

/// <summary>
/// The outcome of a compatibility check, as a value (nothing here throws for an incompatible pair):
/// compatible, or every <see cref="Incompatibility"/> found.
/// </summary>
public sealed class CompatibilityResult
{
    private CompatibilityResult(ImmutableArray<Incompatibility> incompatibilities)
    {
        Incompatibilities = incompatibilities;
    }

    /// <summary>The result with no incompatibilities.</summary>
    public static CompatibilityResult Compatible { get; } = new([]);

    /// <summary>True when <see cref="Incompatibilities"/> is empty.</summary>
    public bool IsCompatible => Incompatibilities.IsEmpty;

    /// <summary>
    /// Every incompatibility found, in the order the check met them (reader fields in order, depth
    /// first); empty when compatible.
    /// </summary>
    public ImmutableArray<Incompatibility> Incompatibilities { get; }

    /// <summary>A result holding <paramref name="incompatibilities"/> (<see cref="Compatible"/> when there are none).</summary>
    internal static CompatibilityResult Of(IEnumerable<Incompatibility> incompatibilities)
    {
        var all = incompatibilities.ToImmutableArray();
        return all.IsEmpty ? Compatible : new CompatibilityResult(all);
    }

    /// <summary>"compatible", or one incompatibility per line.</summary>
    public override string ToString() => IsCompatible ? "compatible" : string.Join(Environment.NewLine, Incompatibilities);
}
