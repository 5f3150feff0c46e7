// TEMPORARY: stands in for Bridge.Eventing.Avro.Resolution's SchemaCompatibility, CompatibilityLevel(s),
// CompatibilityResult and Incompatibility, which a parallel branch (avro-compat) is writing. Deleted
// when that branch is merged into main and main into this branch. It checks nothing.
#pragma warning disable CS1591
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Resolution;

public enum CompatibilityLevel { None, Backward, BackwardTransitive, Forward, ForwardTransitive, Full, FullTransitive }

public static class CompatibilityLevels
{
    private static readonly (CompatibilityLevel Level, string Name)[] Names =
    [
        (CompatibilityLevel.None, "NONE"), (CompatibilityLevel.Backward, "BACKWARD"),
        (CompatibilityLevel.BackwardTransitive, "BACKWARD_TRANSITIVE"), (CompatibilityLevel.Forward, "FORWARD"),
        (CompatibilityLevel.ForwardTransitive, "FORWARD_TRANSITIVE"), (CompatibilityLevel.Full, "FULL"),
        (CompatibilityLevel.FullTransitive, "FULL_TRANSITIVE"),
    ];

    public static bool TryParse([NotNullWhen(true)] string? name, out CompatibilityLevel level)
    {
        foreach (var (candidate, wire) in Names)
            if (name is not null && System.Text.Ascii.EqualsIgnoreCase(name, wire))
            {
                level = candidate;
                return true;
            }
        level = CompatibilityLevel.None;
        return false;
    }

    public static string ToWireName(CompatibilityLevel level) => Names.Single(n => n.Level == level).Name;
}

public sealed record Incompatibility(string Kind, string Path, string Message, int? PreviousIndex = null);

public sealed class CompatibilityResult
{
    public static CompatibilityResult Compatible { get; } = new();
    public bool IsCompatible => Incompatibilities.IsEmpty;
    public ImmutableArray<Incompatibility> Incompatibilities { get; } = [];
}

public static class SchemaCompatibility
{
    public static CompatibilityResult Check(CompatibilityLevel level, AvroSchema candidate, IReadOnlyList<AvroSchema> previous) =>
        CompatibilityResult.Compatible;
}
