using System.Diagnostics.CodeAnalysis;

namespace Bridge.Eventing.Avro.Resolution;

/// <summary>
/// What a new schema version must be compatible with before a registry accepts it (Confluent Schema
/// Registry semantics; wire names in <see cref="CompatibilityLevels"/>). "Reads" means
/// <see cref="SchemaCompatibility.CanRead"/>; "latest" is the most recently registered version.
/// </summary>
public enum CompatibilityLevel
{
    /// <summary><c>NONE</c>: no check.</summary>
    None,
    /// <summary><c>BACKWARD</c>: the new schema reads data written with the latest one (consumers upgrade first).</summary>
    Backward,
    /// <summary><c>BACKWARD_TRANSITIVE</c>: the new schema reads data written with every previous one.</summary>
    BackwardTransitive,
    /// <summary><c>FORWARD</c>: the latest schema reads data written with the new one (producers upgrade first).</summary>
    Forward,
    /// <summary><c>FORWARD_TRANSITIVE</c>: every previous schema reads data written with the new one.</summary>
    ForwardTransitive,
    /// <summary><c>FULL</c>: <see cref="Backward"/> and <see cref="Forward"/>.</summary>
    Full,
    /// <summary><c>FULL_TRANSITIVE</c>: <see cref="BackwardTransitive"/> and <see cref="ForwardTransitive"/>.</summary>
    FullTransitive,
}

/// <summary>
/// The wire names of <see cref="CompatibilityLevel"/> as the Confluent Schema Registry REST API uses
/// them (<c>{"compatibility": "BACKWARD_TRANSITIVE"}</c>) and what each level asks.
/// </summary>
public static class CompatibilityLevels
{
    private static readonly (CompatibilityLevel Level, string Name)[] Names =
    [
        (CompatibilityLevel.None, "NONE"),
        (CompatibilityLevel.Backward, "BACKWARD"),
        (CompatibilityLevel.BackwardTransitive, "BACKWARD_TRANSITIVE"),
        (CompatibilityLevel.Forward, "FORWARD"),
        (CompatibilityLevel.ForwardTransitive, "FORWARD_TRANSITIVE"),
        (CompatibilityLevel.Full, "FULL"),
        (CompatibilityLevel.FullTransitive, "FULL_TRANSITIVE"),
    ];

    /// <summary>
    /// Parses a wire name (<c>"NONE"</c>, <c>"BACKWARD"</c>, <c>"BACKWARD_TRANSITIVE"</c>, <c>"FORWARD"</c>,
    /// <c>"FORWARD_TRANSITIVE"</c>, <c>"FULL"</c>, <c>"FULL_TRANSITIVE"</c>). ASCII case is ignored, as the
    /// Confluent registry upper-cases the name before matching; nothing else is (no trimming, no
    /// <c>"fullTransitive"</c>, no numbers). False, with <paramref name="level"/> = None, for anything else.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? name, out CompatibilityLevel level)
    {
        foreach (var (candidate, wire) in Names)
        {
            // ASCII only: OrdinalIgnoreCase would also take a Turkish dotless 'ı' for 'I'.
            if (name is not null && System.Text.Ascii.EqualsIgnoreCase(name, wire))
            {
                level = candidate;
                return true;
            }
        }
        level = CompatibilityLevel.None;
        return false;
    }

    /// <summary>The wire name of <paramref name="level"/>, upper case with underscores (e.g. <c>"FULL_TRANSITIVE"</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not a defined value.</exception>
    public static string ToWireName(CompatibilityLevel level)
    {
        foreach (var (candidate, wire) in Names)
            if (candidate == level) return wire;
        throw new ArgumentOutOfRangeException(nameof(level), level, "not a compatibility level");
    }

    /// <summary>Whether the level asks the new schema to read data written with previous ones.</summary>
    internal static bool ChecksBackward(CompatibilityLevel level) => level is CompatibilityLevel.Backward
        or CompatibilityLevel.BackwardTransitive or CompatibilityLevel.Full or CompatibilityLevel.FullTransitive;

    /// <summary>Whether the level asks previous schemas to read data written with the new one.</summary>
    internal static bool ChecksForward(CompatibilityLevel level) => level is CompatibilityLevel.Forward
        or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.Full or CompatibilityLevel.FullTransitive;

    /// <summary>Whether the level checks against every previous schema rather than the latest only.</summary>
    internal static bool IsTransitive(CompatibilityLevel level) => level is CompatibilityLevel.BackwardTransitive
        or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.FullTransitive;
}
