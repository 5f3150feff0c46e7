using System.Buffers.Binary;
using System.Numerics;

namespace Bridge.Eventing.Log.Records;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial value and final XOR
/// 0xFFFFFFFF), the checksum Kafka's RecordBatch v2 carries (RFC 3720 §B.4; check value of
/// "123456789" is 0xE3069283). Built on <see cref="BitOperations.Crc32C(uint, ulong)"/>,
/// which uses the SSE 4.2 / ARMv8 CRC instructions where the CPU has them (8 bytes a step).
/// System.IO.Hashing has no CRC-32C and does not restore here.
/// </summary>
public static class Crc32C
{
    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(0xFFFFFFFFu, data);

    /// <summary>
    /// Continues a running (not yet finalised) CRC over more bytes: start from 0xFFFFFFFF,
    /// append every piece, and complement the result (<c>~crc</c>) at the end.
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (var b in data)
            crc = BitOperations.Crc32C(crc, b);
        return crc;
    }
}
