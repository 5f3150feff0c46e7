using System.Globalization;
using System.Text.Json;

namespace Bridge.Yarn.ResourceManager.Server.Rest;

/// <summary>
/// Reading Hadoop's REST request bodies (JAXB-shaped JSON): scalars may arrive as JSON numbers and booleans or as
/// strings of them (Hadoop's JSON writer emits both); maps are <c>{"entry": [{"key": k, "value": v}, ...]}</c> with a
/// single entry allowed as an object; lists such as <c>{"command": ...}</c> may be a single value. Every error is a
/// 400 naming the field by its path (<c>am-container-spec.local-resources.entry[0].value.type</c>).
/// </summary>
internal static class JsonFields
{
    /// <summary>True when <paramref name="e"/> is absent in effect (JSON null).</summary>
    public static bool IsNull(this JsonElement e) => e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;

    public static string String(JsonElement e, string path) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()!,
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
        _ => throw Bad(path, $"expected a string, got {Describe(e)}"),
    };

    public static long Long(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var n)) return n;
        if (e.ValueKind == JsonValueKind.String && long.TryParse(e.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n)) return n;
        throw Bad(path, $"expected an integer, got {Describe(e)}");
    }

    public static int Int(JsonElement e, string path)
    {
        var n = Long(e, path);
        return n is >= int.MinValue and <= int.MaxValue ? (int)n : throw Bad(path, $"{n} is out of range for a 32-bit integer");
    }

    public static double Double(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.Number) return e.GetDouble();
        if (e.ValueKind == JsonValueKind.String && double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        throw Bad(path, $"expected a number, got {Describe(e)}");
    }

    public static bool Bool(JsonElement e, string path) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String when bool.TryParse(e.GetString(), out var b) => b,
        _ => throw Bad(path, $"expected true or false, got {Describe(e)}"),
    };

    public static void RequireObject(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Bad(path, $"expected an object, got {Describe(e)}");
    }

    /// <summary>The values of a JAXB list, <c>{"name": v}</c> or <c>{"name": [v, ...]}</c>; also a bare array.</summary>
    public static IEnumerable<(JsonElement Value, string Path)> List(JsonElement e, string name, string path)
    {
        if (e.IsNull()) yield break;
        if (e.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var v in e.EnumerateArray()) yield return (v, $"{path}[{i++}]");
            yield break;
        }
        RequireObject(e, path);
        foreach (var p in e.EnumerateObject())
        {
            if (p.Name != name) throw Bad($"{path}.{p.Name}", $"unknown field (expected {{\"{name}\": ...}})");
        }
        if (!e.TryGetProperty(name, out var inner) || inner.IsNull()) yield break;
        if (inner.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var v in inner.EnumerateArray()) yield return (v, $"{path}.{name}[{i++}]");
        }
        else
        {
            yield return (inner, $"{path}.{name}");
        }
    }

    /// <summary>The entries of a JAXB map, <c>{"entry": [{"key": k, "value": v}, ...]}</c> (one entry may be an object).</summary>
    public static IEnumerable<(string Key, JsonElement Value, string Path)> Entries(JsonElement e, string path)
    {
        foreach (var (entry, at) in List(e, "entry", path))
        {
            RequireObject(entry, at);
            if (!entry.TryGetProperty("key", out var key) || key.IsNull()) throw Bad($"{at}.key", "is missing");
            var value = entry.TryGetProperty("value", out var v) ? v : default;
            yield return (String(key, $"{at}.key"), value, at);
        }
    }

    public static RestException Bad(string path, string problem) => RestException.BadRequest($"{path}: {problem}");

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Null or JsonValueKind.Undefined => "null",
        _ => e.GetRawText().Length > 40 ? e.GetRawText()[..40] + "..." : e.GetRawText(),
    };
}
