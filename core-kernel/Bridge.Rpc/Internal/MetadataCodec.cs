namespace Bridge.Rpc.Internal;

/// <summary>
/// Maps <see cref="Metadata"/> to HTTP/2 header fields and back. Binary values are base64;
/// we send them unpadded and accept padded or unpadded, as PROTOCOL-HTTP2.md requires.
/// Repeated ASCII values a peer folded into one comma-separated header are split back.
/// </summary>
internal static class MetadataCodec
{
    /// <summary>The wire value of <paramref name="entry"/>.</summary>
    public static string EncodeValue(Metadata.Entry entry) =>
        entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes).TrimEnd('=') : entry.Value;

    /// <summary>
    /// Adds the header <paramref name="name"/> with <paramref name="values"/> to <paramref name="metadata"/>,
    /// unless it is reserved or not a valid metadata key. Returns false when a binary value is not
    /// valid base64 (the caller answers INTERNAL).
    /// </summary>
    public static bool TryAdd(Metadata metadata, string name, IEnumerable<string?> values)
    {
        if (GrpcProtocol.IsReservedHeader(name) || !Metadata.Entry.IsValidKey(name)) return true;
        var binary = Metadata.Entry.IsBinaryKey(name);
        foreach (var raw in values)
        {
            if (raw is null) continue;
            if (!binary)
            {
                if (!IsPrintableAscii(raw)) continue;
                metadata.Add(name, raw);
                continue;
            }
            foreach (var part in raw.Split(','))
            {
                if (!TryDecodeBase64(part.Trim(), out var bytes)) return false;
                metadata.Add(name, bytes);
            }
        }
        return true;
    }

    /// <summary>Decodes standard base64, padded or unpadded.</summary>
    public static bool TryDecodeBase64(string text, out byte[] bytes)
    {
        var padded = (text.Length % 4) switch
        {
            2 => text + "==",
            3 => text + "=",
            1 => null,
            _ => text,
        };
        bytes = Array.Empty<byte>();
        if (padded is null) return false;
        var buffer = new byte[padded.Length / 4 * 3];
        if (!Convert.TryFromBase64String(padded, buffer, out var written)) return false;
        bytes = buffer.AsSpan(0, written).ToArray();
        return true;
    }

    private static bool IsPrintableAscii(string s)
    {
        foreach (var c in s)
            if (c is < ' ' or > '~') return false;
        return true;
    }
}
