using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Bridge.Yarn.ResourceManager.Records;

/// <summary>
/// A container request's priority. As in YARN, a <em>lower</em> number is more important: the scheduler serves
/// an application's priority 0 asks before its priority 1 asks (Hadoop's <c>Priority.compareTo</c> orders
/// ascending by number and schedulers take the first). Written as the bare number.
/// Not to be confused with an application's priority (<c>ApplicationSubmission.Priority</c>),
/// where YARN serves the <em>higher</em> number first.
/// </summary>
/// <param name="Value">The number; lower is more important.</param>
public readonly record struct Priority(int Value) : IComparable<Priority>
{
    /// <summary>Orders more important (lower number) first.</summary>
    public int CompareTo(Priority other) => Value.CompareTo(other.Value);

    /// <inheritdoc />
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses the bare number (optionally negative).</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not an integer.</exception>
    public static Priority Parse(string text) =>
        TryParse(text, out var p) ? p : throw new FormatException($"Invalid Priority: {text}");

    /// <summary>Parses the bare number (optionally negative); false otherwise.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Priority priority)
    {
        var ok = int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v);
        priority = new Priority(v);
        return ok;
    }
}
