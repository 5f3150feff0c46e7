using System.Text;

namespace Bridge.Rpc.Internal;

/// <summary>
/// Percent-encoding of the <c>grpc-message</c> trailer: the UTF-8 bytes of the message, with
/// every byte outside 0x20–0x7E and '%' itself written as <c>%XX</c>. Decoding is lenient, as
/// the spec asks: a malformed escape is kept literally rather than failing the call.
/// Source: PROTOCOL-HTTP2.md, "Status-Message".
/// </summary>
internal static class PercentEncoding
{
    public static string Encode(string message)
    {
        var needs = false;
        foreach (var c in message)
            if (c is < ' ' or > '~' or '%') { needs = true; break; }
        if (!needs) return message;

        var bytes = Encoding.UTF8.GetBytes(message);
        var sb = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes)
        {
            if (b is < 0x20 or > 0x7E or (byte)'%') sb.Append('%').Append(b.ToString("X2"));
            else sb.Append((char)b);
        }
        return sb.ToString();
    }

    public static string Decode(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (!value.Contains('%')) return value;
        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%' && i + 2 < value.Length && IsHex(value[i + 1]) && IsHex(value[i + 2]))
            {
                bytes.Add((byte)(HexValue(value[i + 1]) << 4 | HexValue(value[i + 2])));
                i += 2;
            }
            else
            {
                // Non-ASCII characters cannot arrive in an HTTP/2 header from a conforming peer;
                // keep whatever arrived as UTF-8 so nothing is lost.
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsHex(char c) => c is >= '0' and <= '9' or >= 'a' and <= 'f' or >= 'A' and <= 'F';

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
