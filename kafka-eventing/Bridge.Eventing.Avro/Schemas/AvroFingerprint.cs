namespace Bridge.Eventing.Avro.Schemas;

/// <summary>
/// CRC-64-AVRO, the 64-bit Rabin fingerprint the Avro 1.11 specification defines in "Schema
/// Fingerprints": a table-driven CRC, reflected, seeded with <see cref="Empty"/> so that leading
/// zero bytes still count. <see cref="AvroSchema.Fingerprint64"/> applies it to a schema's Parsing
/// Canonical Form; single-object encoding stores it little-endian.
/// </summary>
public static class AvroFingerprint
{
    /// <summary>The fingerprint of no bytes, which is also the polynomial: 0xc15d213aa4d7a795.</summary>
    public const ulong Empty = 0xc15d213aa4d7a795UL;

    private static readonly ulong[] Table = BuildTable();

    /// <summary>CRC-64-AVRO of <paramref name="data"/>. Costs one table lookup per byte.</summary>
    public static ulong Crc64Avro(ReadOnlySpan<byte> data)
    {
        var fp = Empty;
        foreach (var b in data)
            fp = (fp >> 8) ^ Table[(int)((fp ^ b) & 0xff)];
        return fp;
    }

    private static ulong[] BuildTable()
    {
        var table = new ulong[256];
        for (var i = 0; i < 256; i++)
        {
            var fp = (ulong)i;
            for (var j = 0; j < 8; j++)
                fp = (fp >> 1) ^ (Empty & (0UL - (fp & 1)));
            table[i] = fp;
        }
        return table;
    }
}
