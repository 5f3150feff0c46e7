using System.Diagnostics.CodeAnalysis;

namespace Bridge.Schedulers.Jobs.Definitions;

/// <summary>
/// A job's name, its identity: one or more ASCII letters, digits, <c>_</c>, <c>.</c> and <c>-</c>.
/// </summary>
/// <remarks>
/// This is the rule Chronos enforces (<c>JobUtils.jobNamePattern</c>, <c>[\w.-]+</c>, checked when a
/// job is posted). Chronos' API docs also allow <c>#</c> and whitespace, but Chronos itself refuses
/// them; a name is a path segment of <c>/v1/scheduler/job/{name}</c> and part of every task id, so
/// we keep to the enforced rule. Names compare ordinally (case matters, as in Chronos).
/// </remarks>
public readonly record struct JobName : IComparable<JobName>
{
    private readonly string? _value;

    /// <summary>The name text (empty for <c>default(JobName)</c>, which no parse returns).</summary>
    public string Value => _value ?? "";

    private JobName(string value) => _value = value;

    /// <summary>Checks a name against the rule.</summary>
    /// <param name="text">The candidate name.</param>
    /// <param name="name">The name on success.</param>
    /// <param name="error">Which character breaks the rule; null on success.</param>
    public static bool TryParse(string? text, out JobName name, [NotNullWhen(false)] out string? error)
    {
        name = default;
        if (string.IsNullOrEmpty(text))
        {
            error = "a job name needs at least one character (letters, digits, _ . -)";
            return false;
        }
        foreach (char c in text)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-') continue;
            error = $"'{text}' is not a valid job name: '{Printable(c)}' is not allowed (only letters, digits, _ . -)";
            return false;
        }
        name = new JobName(text);
        error = null;
        return true;
    }

    /// <summary>Parses like <see cref="TryParse"/>.</summary>
    /// <exception cref="FormatException">The text breaks the rule.</exception>
    public static JobName Parse(string text) =>
        TryParse(text, out var name, out var error) ? name : throw new FormatException(error);

    private static string Printable(char c) => char.IsControl(c) || char.IsWhiteSpace(c) ? $"\\u{(int)c:x4}" : c.ToString();

    /// <summary>Ordinal order.</summary>
    public int CompareTo(JobName other) => string.CompareOrdinal(Value, other.Value);

    /// <summary>The name text.</summary>
    public override string ToString() => Value;
}
