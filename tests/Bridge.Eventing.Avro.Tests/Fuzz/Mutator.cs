using Bridge.Eventing.Avro.Binary;
using System.Buffers;

namespace Bridge.Eventing.Avro.Tests.Fuzz;

/// <summary>
/// Seeded mutations of binary Avro input: bit flips, interesting bytes, insertions, deletions,
/// truncations, duplicated slices, splices of two seeds, and varint splices (counts and lengths of
/// 2^31, 2^62, -1, long.MinValue... written over or into the input).
/// </summary>
public static class Mutator
{
    public static readonly long[] InterestingLongs =
    [
        0, 1, -1, 2, -2, 63, 64, -64, -65, 127, 128, 255, 256, 65_535, 65_536, 1 << 20, int.MaxValue, int.MinValue,
        (long)int.MaxValue + 1, (long)int.MinValue - 1, uint.MaxValue, 1L << 40, 1L << 62, -(1L << 62), long.MaxValue, long.MinValue,
    ];

    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x02, 0x7F, 0x80, 0x81, 0xFE, 0xFF, 0xC3];

    /// <summary>One to three mutations of a random seed.</summary>
    public static byte[] Mutate(Random random, IReadOnlyList<byte[]> seeds)
    {
        var data = seeds[random.Next(seeds.Count)];
        var rounds = 1 + random.Next(3);
        for (var r = 0; r < rounds; r++) data = MutateOnce(random, data, seeds);
        return data;
    }

    public static byte[] Varint(long value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new AvroBinaryWriter(buffer).WriteLong(value);
        return buffer.WrittenSpan.ToArray();
    }

    public static long RandomInteresting(Random random) =>
        random.Next(4) == 0 ? random.NextInt64(long.MinValue, long.MaxValue) : InterestingLongs[random.Next(InterestingLongs.Length)];

    /// <summary>The length of the varint starting at <paramref name="at"/> (at most 10, or to the end).</summary>
    public static int VarintLength(byte[] data, int at)
    {
        var i = at;
        while (i < data.Length && i - at < 10 && (data[i] & 0x80) != 0) i++;
        return Math.Min(i + 1, data.Length) - at;
    }

    private static byte[] MutateOnce(Random random, byte[] data, IReadOnlyList<byte[]> seeds)
    {
        if (data.Length == 0) return Varint(RandomInteresting(random));
        var at = random.Next(data.Length);
        var copy = (byte[])data.Clone();
        switch (random.Next(10))
        {
            case 0: // flip one to three bits
                for (var k = 1 + random.Next(3); k > 0; k--) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                return copy;
            case 1: // an interesting byte
                copy[at] = InterestingBytes[random.Next(InterestingBytes.Length)];
                return copy;
            case 2: // a random byte
                copy[at] = (byte)random.Next(256);
                return copy;
            case 3: // insert random bytes
                var inserted = new byte[1 + random.Next(8)];
                random.NextBytes(inserted);
                return [.. data.AsSpan(0, at), .. inserted, .. data.AsSpan(at)];
            case 4: // delete a run
                return [.. data.AsSpan(0, at), .. data.AsSpan(Math.Min(data.Length, at + 1 + random.Next(16)))];
            case 5: // truncate
                return data[..at];
            case 6: // overwrite the varint here with an interesting one (a huge count or length)
                return [.. data.AsSpan(0, at), .. Varint(RandomInteresting(random)), .. data.AsSpan(at + VarintLength(data, at))];
            case 7: // insert an interesting varint
                return [.. data.AsSpan(0, at), .. Varint(RandomInteresting(random)), .. data.AsSpan(at)];
            case 8: // duplicate a slice
                var length = Math.Min(data.Length - at, 1 + random.Next(64));
                return [.. data.AsSpan(0, at + length), .. data.AsSpan(at)];
            default: // splice: a prefix of this and a suffix of another seed
                var other = seeds[random.Next(seeds.Count)];
                return [.. data.AsSpan(0, at), .. other.AsSpan(random.Next(other.Length + 1))];
        }
    }
}
