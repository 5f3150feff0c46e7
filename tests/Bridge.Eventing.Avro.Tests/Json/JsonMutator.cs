using System.Text;

namespace Bridge.Eventing.Avro.Tests.Json;

/// <summary>
/// Seeded mutations of JSON text (as UTF-8): JSON tokens that sit at the edges of Avro's rules
/// written over or into the text (out-of-range numbers, Java's NaN strings, lone surrogate escapes,
/// empty and one-member objects, union tags), character flips, insertions, deletions, truncations,
/// duplicated slices, splices of two seeds, deep nesting, long strings, and raw random bytes
/// (invalid UTF-8); and random JSON values of random shape.
/// </summary>
public static class JsonMutator
{
    private static readonly string[] Tokens =
    [
        "null", "true", "false", "0", "-0", "1", "-1", "1.5", "5.0", "1e2", "1e39", "1e400", "-1e400", "1e-400",
        "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "123456789012345678901234567890",
        "\"\"", "\"a\"", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\u00ff\"", "\"\\u0100\"", "\"€\"",
        "\"CLUBS\"", "\"JOKER\"", "\"6f1c2a3b-4d5e-4f60-8a9b-000000000001\"", "\"0123456789abcdef\"",
        "{}", "[]", "[null]", "{\"a\":1}", "{\"string\":\"x\"}", "{\"null\":null}", "{\"int\":1,\"long\":2}",
        "{\"bridge.test.Suit\":\"JOKER\"}", "{\"bridge.test.Node\":{\"value\":1,\"next\":null}}", "{\"long\":5}", "{\"\\ud800\":1}",
    ];

    private static readonly string[] FieldNames =
        ["n", "flag", "i", "l", "f", "d", "raw", "text", "suit", "hash", "tags", "counts", "maybe", "list", "values", "value", "next", "x", "y", "tasks", "id", "state", "v", "kids", "attrs"];

    private const string Alphabet = "{}[]\":,0123456789.eE+-abcnrstuflNIy \\";

    /// <summary>One to three mutations of a random seed.</summary>
    public static byte[] Mutate(Random random, IReadOnlyList<byte[]> seeds)
    {
        var data = seeds[random.Next(seeds.Count)];
        for (var r = 1 + random.Next(3); r > 0; r--) data = MutateOnce(random, data, seeds);
        return data;
    }

    /// <summary>A random JSON value, at most <paramref name="depth"/> levels deep.</summary>
    public static string RandomValue(Random random, int depth)
    {
        var kind = random.Next(depth > 0 ? 7 : 5);
        return kind switch
        {
            0 => Tokens[random.Next(Tokens.Length)],
            1 => random.Next(3) switch { 0 => random.Next().ToString(), 1 => random.NextInt64().ToString(), _ => (random.NextDouble() * 1e6 - 5e5).ToString("R") },
            2 => "\"" + new string(Enumerable.Range(0, random.Next(20)).Select(_ => (char)random.Next(0x20, 0x250)).Where(c => c is not ('"' or '\\')).ToArray()) + "\"",
            3 => random.Next(2) == 0 ? "null" : "true",
            4 => "\"" + new string(Enumerable.Range(0, random.Next(20)).Select(_ => (char)random.Next(0x20, 0x7F)).Where(c => c is not ('"' or '\\')).ToArray()) + "\"",
            5 => "[" + string.Join(",", Enumerable.Range(0, random.Next(5)).Select(_ => RandomValue(random, depth - 1))) + "]",
            _ => "{" + string.Join(",", Enumerable.Range(0, random.Next(5)).Select(_ => $"\"{Key(random)}\":{RandomValue(random, depth - 1)}")) + "}",
        };
    }

    private static string Key(Random random) => random.Next(4) switch
    {
        0 => "string",
        1 => FieldNames[random.Next(FieldNames.Length)],
        2 => "bridge.test.Suit",
        _ => ((char)('a' + random.Next(26))).ToString(),
    };

    private static byte[] MutateOnce(Random random, byte[] data, IReadOnlyList<byte[]> seeds)
    {
        if (data.Length == 0) return Encoding.UTF8.GetBytes(RandomValue(random, 3));
        var at = random.Next(data.Length);
        switch (random.Next(12))
        {
            case 0: // a token written over whatever scalar starts here
            {
                var end = at;
                while (end < data.Length && data[end] is not ((byte)',' or (byte)'}' or (byte)']')) end++;
                return [.. data.AsSpan(0, at), .. Token(random), .. data.AsSpan(end)];
            }
            case 1: // a token inserted
                return [.. data.AsSpan(0, at), .. Token(random), .. data.AsSpan(at)];
            case 2: // a character of JSON's alphabet written over one
            {
                var copy = (byte[])data.Clone();
                copy[at] = (byte)Alphabet[random.Next(Alphabet.Length)];
                return copy;
            }
            case 3: // a random byte (perhaps not UTF-8)
            {
                var copy = (byte[])data.Clone();
                copy[at] = (byte)random.Next(256);
                return copy;
            }
            case 4: // delete a run
                return [.. data.AsSpan(0, at), .. data.AsSpan(Math.Min(data.Length, at + 1 + random.Next(16)))];
            case 5: // truncate
                return data[..at];
            case 6: // duplicate a slice (repeated members, items)
            {
                var length = Math.Min(data.Length - at, 1 + random.Next(64));
                return [.. data.AsSpan(0, at + length), .. data.AsSpan(at)];
            }
            case 7: // deep nesting
            {
                var depth = random.Next(4) == 0 ? 5_000 : 1 + random.Next(600);
                var open = random.Next(2) == 0 ? "[" : "{\"a\":";
                var nested = string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(open == "[" ? "]" : "}", depth));
                return [.. data.AsSpan(0, at), .. Encoding.UTF8.GetBytes(nested), .. data.AsSpan(at)];
            }
            case 8: // a long string
                return [.. data.AsSpan(0, at), .. Encoding.UTF8.GetBytes("\"" + new string('x', 100_000) + "\""), .. data.AsSpan(at)];
            case 9: // a random value of random shape
                return [.. data.AsSpan(0, at), .. Encoding.UTF8.GetBytes(RandomValue(random, 3)), .. data.AsSpan(at)];
            case 10: // flip bits
            {
                var copy = (byte[])data.Clone();
                for (var k = 1 + random.Next(3); k > 0; k--) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                return copy;
            }
            default: // splice: a prefix of this and a suffix of another seed
                var other = seeds[random.Next(seeds.Count)];
                return [.. data.AsSpan(0, at), .. other.AsSpan(random.Next(other.Length + 1))];
        }
    }

    private static byte[] Token(Random random) => Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)]);
}
