using System.Globalization;

namespace Bridge.Kernel;

/// <summary>
/// An exact, non-negative scalar resource value in fixed point with three decimal digits
/// (milli-units), as Mesos has done since 1.4 (<c>Value::Scalar</c> is rounded to 0.001).
/// <c>0.1 + 0.2</c> cpus is exactly <c>0.3</c>. Units are those of the resource:
/// cores for <c>cpus</c> and <c>gpus</c>, MB for <c>mem</c> and <c>disk</c>.
/// </summary>
/// <remarks>Arithmetic never goes negative: subtracting a larger value throws.</remarks>
public readonly struct Scalar : IEquatable<Scalar>, IComparable<Scalar>
{
    /// <summary>Milli-units per unit (1000).</summary>
    public const long MilliPerUnit = 1000;

    /// <summary>The largest value, about 9.2e15 units.</summary>
    public static readonly Scalar MaxValue = new(long.MaxValue);

    /// <summary>Zero.</summary>
    public static readonly Scalar Zero = new(0);

    /// <summary>The value in milli-units (e.g. 1500 for 1.5 cpus).</summary>
    public long Millis { get; }

    private Scalar(long millis) => Millis = millis;

    /// <summary>A scalar from milli-units.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="millis"/> is negative.</exception>
    public static Scalar FromMillis(long millis) =>
        millis < 0 ? throw new ArgumentOutOfRangeException(nameof(millis), millis, "scalar resources are never negative") : new Scalar(millis);

    /// <summary>A scalar from whole units (e.g. <c>FromUnits(4)</c> for 4 cpus or 4 MB).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or too large.</exception>
    public static Scalar FromUnits(long units) =>
        units < 0 || units > long.MaxValue / MilliPerUnit
            ? throw new ArgumentOutOfRangeException(nameof(units), units, "must be between 0 and 9.2e15")
            : new Scalar(units * MilliPerUnit);

    /// <summary>A scalar from a double, rounded to the nearest milli-unit (Mesos' rule).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative, not finite, or too large.</exception>
    public static Scalar FromDouble(double value)
    {
        if (!double.IsFinite(value) || value < 0 || value * MilliPerUnit >= long.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(value), value, "must be a finite, non-negative number below 9.2e15");
        return new Scalar((long)Math.Round(value * MilliPerUnit, MidpointRounding.AwayFromZero));
    }

    /// <summary>The value in units as a double (for shares and display only; never for arithmetic).</summary>
    public double ToDouble() => Millis / (double)MilliPerUnit;

    /// <summary>True when the value is zero.</summary>
    public bool IsZero => Millis == 0;

    /// <summary>Parses decimal text such as <c>4</c>, <c>0.5</c>, <c>4096.25</c>.</summary>
    /// <remarks>Digits beyond the third decimal are rounded half away from zero.
    /// Signs, exponents, hexadecimal and thousands separators are rejected.</remarks>
    /// <returns>False when <paramref name="text"/> is not a non-negative decimal number.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out Scalar value)
    {
        value = Zero;
        int dot = text.IndexOf('.');
        var wholeDigits = dot < 0 ? text : text[..dot];
        var fracDigits = dot < 0 ? ReadOnlySpan<char>.Empty : text[(dot + 1)..];
        if (wholeDigits.IsEmpty && fracDigits.IsEmpty) return false;
        if (dot >= 0 && fracDigits.IsEmpty) return false; // "4." is not a number here
        long whole = 0;
        foreach (char c in wholeDigits)
        {
            int d = c - '0';
            if ((uint)d > 9) return false;
            if (whole > (long.MaxValue / MilliPerUnit - 1 - d) / 10) return false;
            whole = whole * 10 + d;
        }
        long frac = 0, scale = 100;
        bool roundUp = false;
        for (int j = 0; j < fracDigits.Length; j++)
        {
            int d = fracDigits[j] - '0';
            if ((uint)d > 9) return false;
            if (j < 3) { frac += d * scale; scale /= 10; }
            else if (j == 3) roundUp = d >= 5;
        }
        value = new Scalar(whole * MilliPerUnit + frac + (roundUp ? 1 : 0));
        return true;
    }

    /// <summary>Parses like <see cref="TryParse"/>.</summary>
    /// <exception cref="FormatException">Not a non-negative decimal number.</exception>
    public static Scalar Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not a non-negative decimal number");

    /// <summary>Shortest exact decimal text: <c>4</c>, <c>0.5</c>, <c>0.125</c>.</summary>
    public override string ToString()
    {
        long whole = Millis / MilliPerUnit, frac = Millis % MilliPerUnit;
        if (frac == 0) return whole.ToString(CultureInfo.InvariantCulture);
        var f = frac.ToString("000", CultureInfo.InvariantCulture).TrimEnd('0');
        return whole.ToString(CultureInfo.InvariantCulture) + "." + f;
    }

    /// <summary>Exact sum.</summary>
    /// <exception cref="OverflowException">The sum exceeds <see cref="MaxValue"/>.</exception>
    public static Scalar operator +(Scalar a, Scalar b) => new(checked(a.Millis + b.Millis));

    /// <summary>Exact difference.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="b"/> is larger than <paramref name="a"/>.</exception>
    public static Scalar operator -(Scalar a, Scalar b) =>
        b.Millis > a.Millis ? throw new InvalidOperationException($"cannot subtract {b} from {a}: resources never go negative") : new Scalar(a.Millis - b.Millis);

    /// <summary>The difference, or zero when <paramref name="b"/> is larger (saturating).</summary>
    public static Scalar SaturatingSubtract(Scalar a, Scalar b) => new(Math.Max(0, a.Millis - b.Millis));

    /// <summary>The smaller of two values.</summary>
    public static Scalar Min(Scalar a, Scalar b) => a.Millis <= b.Millis ? a : b;

    /// <inheritdoc />
    public bool Equals(Scalar other) => Millis == other.Millis;
    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Scalar s && Equals(s);
    /// <inheritdoc />
    public override int GetHashCode() => Millis.GetHashCode();
    /// <inheritdoc />
    public int CompareTo(Scalar other) => Millis.CompareTo(other.Millis);
    /// <summary>Equality.</summary>
    public static bool operator ==(Scalar a, Scalar b) => a.Millis == b.Millis;
    /// <summary>Inequality.</summary>
    public static bool operator !=(Scalar a, Scalar b) => a.Millis != b.Millis;
    /// <summary>Ordering.</summary>
    public static bool operator <(Scalar a, Scalar b) => a.Millis < b.Millis;
    /// <summary>Ordering.</summary>
    public static bool operator >(Scalar a, Scalar b) => a.Millis > b.Millis;
    /// <summary>Ordering.</summary>
    public static bool operator <=(Scalar a, Scalar b) => a.Millis <= b.Millis;
    /// <summary>Ordering.</summary>
    public static bool operator >=(Scalar a, Scalar b) => a.Millis >= b.Millis;
}
