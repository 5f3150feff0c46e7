using System.Globalization;

namespace Bridge.Eventing.Schemas.Registry;

/// <summary>
/// A version as a request names it: a number 1 to 2^31-1, or the latest (<c>latest</c>, or -1 as
/// Confluent's registry also takes it; Confluent's <c>VersionId</c>).
/// </summary>
public readonly record struct VersionSelector
{
    private VersionSelector(int number) => Number = number;

    /// <summary>The latest version (the highest live one; for a permanent delete, the highest one).</summary>
    public static VersionSelector Latest { get; } = new(-1);

    /// <summary>The version number, or -1 for <see cref="Latest"/>.</summary>
    public int Number { get; }

    /// <summary>Whether this names the latest version rather than a number.</summary>
    public bool IsLatest => Number == -1;

    /// <summary>A numbered version.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="number"/> is below 1.</exception>
    public static VersionSelector Of(int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        return new VersionSelector(number);
    }

    /// <summary>
    /// Parses a path segment as Confluent's registry does: trimmed; <c>latest</c> in any case or
    /// <c>-1</c> for the latest; otherwise a decimal int (optional sign) of at least 1.
    /// </summary>
    /// <returns>The selector, or 42202 naming the text (e.g. <c>0</c>, <c>abc</c>, <c>99999999999</c>).</returns>
    public static RegistryResult<VersionSelector> Parse(string text)
    {
        var trimmed = text.Trim();
        if (string.Equals(trimmed, "latest", StringComparison.OrdinalIgnoreCase)) return Latest;
        if (int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && (number >= 1 || number == -1))
            return new VersionSelector(number);
        return new RegistryError(RegistryErrorKind.InvalidVersion,
            $"The specified version '{text}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    /// <inheritdoc />
    public override string ToString() => IsLatest ? "latest" : Number.ToString(CultureInfo.InvariantCulture);
}
