using System.Globalization;
using System.Text.Json;

namespace Bridge.Schedulers.Services.Definitions.Internal;

/// <summary>Typed reads of JSON values that report a precise error at the value's path instead of
/// throwing. Each returns false (and records why) when the value has the wrong type or range.</summary>
internal static class JsonRead
{
    public static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>The properties of an object, with their paths; records an error for a non-object or a
    /// repeated name (Marathon's parser would keep one silently) and skips the repeats.</summary>
    public static IEnumerable<(string Name, JsonElement Value, string Path)> Properties(JsonElement e, string path, Problems problems)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            problems.Error(path, $"expected an object, got {Kind(e)}");
            yield break;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
        {
            string at = Problems.Field(path, p.Name);
            if (!seen.Add(p.Name)) problems.Error(at, "is given more than once");
            else yield return (p.Name, p.Value, at);
        }
    }

    /// <summary>The items of an array, with their paths; records an error for a non-array.</summary>
    public static IEnumerable<(JsonElement Value, string Path)> Items(JsonElement e, string path, Problems problems)
    {
        if (e.ValueKind != JsonValueKind.Array)
        {
            problems.Error(path, $"expected an array, got {Kind(e)}");
            yield break;
        }
        int i = 0;
        foreach (var item in e.EnumerateArray()) yield return (item, Problems.Index(path, i++));
    }

    public static void Unknown(string path, string name, string what, Problems problems) =>
        problems.Error(path, $"unknown field '{name}': not part of {what}");

    public static bool String(JsonElement e, string path, Problems problems, out string value)
    {
        value = e.ValueKind == JsonValueKind.String ? e.GetString()! : "";
        if (e.ValueKind == JsonValueKind.String) return true;
        problems.Error(path, $"expected a string, got {Kind(e)}");
        return false;
    }

    public static bool Bool(JsonElement e, string path, Problems problems, out bool value)
    {
        value = e.ValueKind == JsonValueKind.True;
        if (e.ValueKind is JsonValueKind.True or JsonValueKind.False) return true;
        problems.Error(path, $"expected true or false, got {Kind(e)}");
        return false;
    }

    /// <summary>A number in [<paramref name="min"/>, <paramref name="max"/>]; the messages are Marathon's
    /// (<c>is less than 0</c>, <c>is greater than 1</c>).</summary>
    public static bool Number(JsonElement e, string path, Problems problems, out double value, double min = double.MinValue, double max = double.MaxValue)
    {
        value = 0;
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out value) || !double.IsFinite(value))
        {
            problems.Error(path, $"expected a number, got {Kind(e)}");
            return false;
        }
        return InRange(value, path, problems, min, max);
    }

    /// <summary>A 32-bit integer (written with or without <c>.0</c>) in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static bool Int(JsonElement e, string path, Problems problems, out int value, int min = int.MinValue, int max = int.MaxValue)
    {
        value = 0;
        if (e.ValueKind != JsonValueKind.Number)
        {
            problems.Error(path, $"expected an integer, got {Kind(e)}");
            return false;
        }
        if (!e.TryGetDecimal(out var d) || d != decimal.Truncate(d) || d < int.MinValue || d > int.MaxValue)
        {
            problems.Error(path, $"expected a 32-bit integer, got {e.GetRawText()}");
            return false;
        }
        value = (int)d;
        return InRange(value, path, problems, min, max);
    }

    /// <summary>An array of strings.</summary>
    public static bool Strings(JsonElement e, string path, Problems problems, out List<string> values)
    {
        values = [];
        bool ok = e.ValueKind == JsonValueKind.Array;
        foreach (var (item, at) in Items(e, path, problems))
        {
            if (String(item, at, problems, out var s)) values.Add(s);
            else ok = false;
        }
        return ok;
    }

    /// <summary>An object whose values are all strings (Marathon's <c>labels</c>).</summary>
    public static ValueMap StringMap(JsonElement e, string path, Problems problems)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (name, value, at) in Properties(e, path, problems))
            if (String(value, at, problems, out var s)) pairs.Add(KeyValuePair.Create(name, s));
        return ValueMap.Of(pairs);
    }

    /// <summary>One of <paramref name="names"/> (exact case), mapped to its value.</summary>
    public static bool Enum<T>(JsonElement e, string path, Problems problems, IReadOnlyList<(string Name, T Value)> names, out T value)
    {
        value = default!;
        if (!String(e, path, problems, out var s)) return false;
        foreach (var (name, v) in names)
            if (name == s)
            {
                value = v;
                return true;
            }
        problems.Error(path, $"got {s}, expected one of: [{string.Join(", ", names.Select(n => n.Name))}]");
        return false;
    }

    private static bool InRange(double value, string path, Problems problems, double min, double max)
    {
        if (value < min) problems.Error(path, $"is less than {Plain(min)}");
        else if (value > max) problems.Error(path, $"is greater than {Plain(max)}");
        else return true;
        return false;
    }

    // Limits are printed as plain decimals (1000000000000000, not 1E+15).
    private static string Plain(double limit) => ((decimal)limit).ToString(CultureInfo.InvariantCulture);
}
