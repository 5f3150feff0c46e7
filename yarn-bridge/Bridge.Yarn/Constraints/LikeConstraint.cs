using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using Bridge.Kernel;

namespace Bridge.Yarn.Constraints;

/// <summary>
/// A placement constraint for NodeManagers, Myriad's LIKE (<c>LikeConstraint</c>): <c>hostname LIKE regex</c> or
/// <c>attribute LIKE regex</c>, where the regex must match the whole value (Java's <c>Matcher.matches</c>). The left
/// side is compared case-insensitively with <c>hostname</c> and with attribute names; a TEXT attribute is matched by
/// its text, a SCALAR one by Java's <c>String.valueOf(double)</c> form (<c>2.0</c>, <c>0.5</c>), as Myriad does;
/// RANGES and SET attributes, and an agent without the attribute, never match. Immutable.
/// </summary>
public sealed class LikeConstraint : IEquatable<LikeConstraint>
{
    /// <summary>The form constraints take, as Myriad's error messages show it.</summary>
    public const string Format = "'<mesos_slave_attribute|hostname> LIKE <value_regex>'";

    private const string Like = " LIKE ";
    private readonly Regex _regex;

    private LikeConstraint(string lhs, string pattern, Regex regex)
    {
        Lhs = lhs;
        Pattern = pattern;
        _regex = regex;
    }

    /// <summary>The left side: <c>hostname</c> or an attribute name.</summary>
    public string Lhs { get; }

    /// <summary>The regex, as written.</summary>
    public string Pattern { get; }

    /// <summary>True when the constraint is on the host name.</summary>
    public bool IsOnHostname => Lhs.Equals("hostname", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Parses <c>lhs LIKE regex</c> as Myriad's REST layer does: the text must split on <c>" LIKE "</c> (spaces and
    /// case exactly so) into exactly two parts, and the right part must compile as a regex.
    /// </summary>
    /// <returns>False with Myriad's message: an empty text, the wrong form, or an invalid regex.</returns>
    public static bool TryParse(string text, [NotNullWhen(true)] out LikeConstraint? constraint, [NotNullWhen(false)] out string? error)
    {
        constraint = null;
        if (text.Length == 0)
        {
            error = $"The value provided for 'constraints' is empty. Format: {Format}";
            return false;
        }
        var parts = text.Split(Like);
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            error = $"Invalid format for LIKE operator in constraint: {text}. Format: {Format}";
            return false;
        }
        Regex regex;
        try
        {
            // Anchored, so the whole value must match (Java's matches()); a second's timeout bounds a pathological regex.
            regex = new Regex($"^(?:{parts[1]})\\z", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException)
        {
            error = $"Invalid regex for LIKE operator in constraint: {text}";
            return false;
        }
        constraint = new LikeConstraint(parts[0], parts[1], regex);
        error = null;
        return true;
    }

    /// <summary>Parses a constraint known to be valid (from saved state or configuration).</summary>
    /// <exception cref="FormatException">It is not.</exception>
    public static LikeConstraint Parse(string text) =>
        TryParse(text, out var c, out var error) ? c : throw new FormatException(error);

    /// <summary>True when an agent with <paramref name="hostname"/> and <paramref name="attributes"/> satisfies it.</summary>
    public bool Matches(string hostname, Attributes attributes)
    {
        if (IsOnHostname) return IsMatch(hostname);
        var attribute = attributes.FirstOrDefault(a => a.Name.Equals(Lhs, StringComparison.OrdinalIgnoreCase));
        return attribute?.Type switch
        {
            AttributeType.Text => IsMatch(attribute.Text),
            AttributeType.Scalar => IsMatch(JavaDouble(attribute.Scalar.ToDouble())),
            _ => false,
        };
    }

    private bool IsMatch(string value)
    {
        try
        {
            return _regex.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return false; // a pathological pattern: no placement rather than a stalled scheduler
        }
    }

    /// <summary>Java's <c>String.valueOf(double)</c> for the values agents carry: integral values keep <c>.0</c>.
    /// (Java switches to E notation at 10^7 and above; such attribute values are not expected.)</summary>
    internal static string JavaDouble(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e7
            ? value.ToString("0.0", CultureInfo.InvariantCulture)
            : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The constraint as written: <c>lhs LIKE regex</c>.</summary>
    public override string ToString() => $"{Lhs}{Like}{Pattern}";

    /// <inheritdoc />
    public bool Equals(LikeConstraint? other) => other is not null && Lhs == other.Lhs && Pattern == other.Pattern;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as LikeConstraint);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Lhs, Pattern);
}
