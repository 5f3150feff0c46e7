using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Bridge.Eventing.Avro.Json;

/// <summary>
/// The scalar rules of the JSON encoding shared by reading and writing: bytes and fixed as strings
/// of code points U+0000–U+00FF (ISO-8859-1), the strings Java writes for non-finite floats
/// (Jackson's <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>), and short descriptions of
/// JSON values for error messages.
/// </summary>
internal static class JsonScalars
{
    /// <summary>The string standing for a non-finite float or double, as Java's JsonEncoder writes it.</summary>
    public static string NonFiniteText(double value) =>
        double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";

    /// <summary>The non-finite value <paramref name="text"/> stands for, or null when it is none of the three strings.</summary>
    public static double? NonFinite(string text) => text switch
    {
        "NaN" => double.NaN,
        "Infinity" => double.PositiveInfinity,
        "-Infinity" => double.NegativeInfinity,
        _ => null,
    };

    /// <summary>The index of the first code point above U+00FF in <paramref name="text"/>, or -1 when it can be bytes.</summary>
    public static int FirstNonLatin1(string text) => text.AsSpan().IndexOfAnyExceptInRange('\0', '\u00FF');

    /// <summary>Whether a JSON number is written without a fraction or exponent (<c>-12</c>, not <c>12.0</c> or <c>1e2</c>).</summary>
    public static bool IsIntegerLiteral(JsonElement number) =>
        JsonMarshal.GetRawUtf8Value(number).IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0;

    /// <summary>A member's name, or false when it escapes half a surrogate pair (<c>"\ud800"</c>) and so is not text.</summary>
    public static bool TryName(JsonProperty member, out string name)
    {
        try
        {
            name = member.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = "";
            return false;
        }
    }

    /// <summary>A string value, or null when it escapes half a surrogate pair and so is not text.</summary>
    public static string? TryText(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A JSON value for error messages: short scalars as written, else their kind.</summary>
    public static string Describe(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => TryText(json) is { } s
            ? s.Length <= 40 ? $"\"{s}\"" : $"a string of {s.Length} characters"
            : "a string that is not Unicode text",
        JsonValueKind.Number => JsonMarshal.GetRawUtf8Value(json).Length <= 40 ? json.GetRawText() : "a number of more than 40 characters",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "null",
    };

    /// <summary>The shortest text that reads back as <paramref name="value"/>, with <c>.0</c> when it would look like an integer.</summary>
    public static int FormatFloat(double value, bool single, Span<byte> text)
    {
        var ok = single
            ? ((float)value).TryFormat(text, out var length, "R", CultureInfo.InvariantCulture)
            : value.TryFormat(text, out length, "R", CultureInfo.InvariantCulture);
        if (!ok) throw new InvalidOperationException("a float's text did not fit its buffer");
        // Java writes 5.0, and so do we: a double never reads as an int or long in an untagged union.
        if (text[..length].IndexOfAny((byte)'.', (byte)'E') >= 0) return length;
        ".0"u8.CopyTo(text[length..]);
        return length + 2;
    }
}
