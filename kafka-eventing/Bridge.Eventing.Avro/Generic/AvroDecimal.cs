using System.Globalization;
using System.Numerics;

namespace Bridge.Eventing.Avro.Generic;

/// <summary>
/// The value of the <c>decimal</c> logical type (Avro 1.11 specification, "Decimal"): an
/// arbitrary-precision unscaled integer and a scale, meaning <c>Unscaled × 10^-Scale</c>. On the
/// wire the unscaled value is two's-complement big-endian; the scale comes from the schema, so a
/// value is written only under a schema of the same scale.
/// </summary>
/// <param name="Unscaled">The unscaled integer, e.g. 12345 for 123.45 at scale 2.</param>
/// <param name="Scale">Digits after the decimal point, 0 or more.</param>
public readonly record struct AvroDecimal(BigInteger Unscaled, int Scale)
{
    /// <summary>
    /// <paramref name="value"/> at exactly <paramref name="scale"/> digits. ArgumentException when
    /// it has more significant fractional digits than that (no rounding happens silently).
    /// </summary>
    public static AvroDecimal FromDecimal(decimal value, int scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(scale);
        var bits = decimal.GetBits(value);
        var sourceScale = (bits[3] >> 16) & 0xFF;
        var magnitude = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        var unscaled = bits[3] < 0 ? -magnitude : magnitude;
        if (scale >= sourceScale) return new AvroDecimal(unscaled * BigInteger.Pow(10, scale - sourceScale), scale);
        var divisor = BigInteger.Pow(10, sourceScale - scale);
        var quotient = BigInteger.DivRem(unscaled, divisor, out var remainder);
        if (!remainder.IsZero) throw new ArgumentException($"{value} has more than {scale} fractional digits", nameof(value));
        return new AvroDecimal(quotient, scale);
    }

    /// <summary>
    /// The value as a .NET decimal: OverflowException beyond its range (about ±7.9e28); digits
    /// past its 28–29 significant ones are rounded.
    /// </summary>
    public decimal ToDecimal() => decimal.Parse(ToString(), NumberStyles.Number, CultureInfo.InvariantCulture);

    /// <summary>Plain notation, e.g. <c>-123.45</c>.</summary>
    public override string ToString()
    {
        var digits = BigInteger.Abs(Unscaled).ToString(CultureInfo.InvariantCulture);
        if (Scale > 0)
        {
            digits = digits.PadLeft(Scale + 1, '0');
            digits = $"{digits[..^Scale]}.{digits[^Scale..]}";
        }
        return Unscaled.Sign < 0 ? "-" + digits : digits;
    }
}
