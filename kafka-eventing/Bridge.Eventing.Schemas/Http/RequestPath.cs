using System.Text;

namespace Bridge.Eventing.Schemas.Http;

/// <summary>
/// The path of a request target split into segments, each percent-decoded on its own, so a subject
/// may hold any character, <c>/</c> included (<c>%2F</c>), as clients that URL-encode subject names
/// (confluent-kafka-python's <c>quote(subject, safe='')</c>) send them. Decoded bytes must be UTF-8.
/// A single trailing slash is ignored.
/// </summary>
internal static class RequestPath
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Splits and decodes the path of <paramref name="rawTarget"/> (query and fragment dropped).</summary>
    /// <returns>The segments (empty for <c>/</c>), or null with <paramref name="error"/> saying why the path is malformed.</returns>
    public static string[]? Split(string rawTarget, out string? error)
    {
        error = null;
        var end = rawTarget.IndexOfAny(['?', '#']);
        var path = end < 0 ? rawTarget : rawTarget[..end];
        if (!path.StartsWith('/'))
        {
            error = $"the request target must be an absolute path, not '{Truncate(path)}'";
            return null;
        }
        path = path[1..];
        if (path.EndsWith('/')) path = path[..^1];
        if (path.Length == 0) return [];
        var raw = path.Split('/');
        var segments = new string[raw.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            if (Decode(raw[i]) is not { } decoded)
            {
                error = $"path segment {i + 1} ('{Truncate(raw[i])}') has a malformed percent-escape or is not UTF-8";
                return null;
            }
            segments[i] = decoded;
        }
        return segments;
    }

    private static string? Decode(string segment)
    {
        if (!segment.Contains('%')) return segment.All(char.IsAscii) ? segment : null;
        var bytes = new List<byte>(segment.Length);
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (c != '%')
            {
                if (c > 0x7F) return null; // a request target is ASCII; other characters come percent-encoded
                bytes.Add((byte)c);
                continue;
            }
            if (i + 2 >= segment.Length || !Uri.IsHexDigit(segment[i + 1]) || !Uri.IsHexDigit(segment[i + 2])) return null;
            bytes.Add((byte)Convert.ToInt32(segment.Substring(i + 1, 2), 16));
            i += 2;
        }
        try
        {
            return StrictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static string Truncate(string text) => text.Length > 80 ? text[..80] + "..." : text;
}
