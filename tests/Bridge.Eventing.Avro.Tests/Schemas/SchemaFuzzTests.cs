using System.Diagnostics;
using System.Text;
using Bridge.Eventing.Avro.Schemas;
using Xunit.Abstractions;

namespace Bridge.Eventing.Avro.Tests.Schemas;

/// <summary>
/// Seeded mutation fuzzing of the parser from the valid corpus: bit and character flips,
/// insertions, deletions, truncations, splices of two schemas, and deep nesting. The only
/// outcomes allowed are a schema or an <see cref="AvroSchemaException"/>; every schema that
/// parses must also write out, fingerprint, and parse again from its own JSON to the same
/// canonical form.
/// </summary>
public class SchemaFuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 60_000;

    // Characters that matter to JSON and to the schema language, so mutations hit the grammar.
    private const string Alphabet = "{}[]\":,. \\0123456789-+eE_aAzZnulltrefs\u00e9\u20ac\ud83d";

    private static readonly string[] Tokens =
    [
        "\"type\"", "\"name\"", "\"namespace\"", "\"fields\"", "\"items\"", "\"values\"", "\"symbols\"", "\"size\"",
        "\"default\"", "\"aliases\"", "\"logicalType\"", "\"decimal\"", "\"precision\"", "\"scale\"", "\"record\"",
        "\"enum\"", "\"array\"", "\"map\"", "\"fixed\"", "\"null\"", "\"int\"", "\"long\"", "\"string\"", "\"bytes\"",
        "null", "true", "-1", "0", "2147483648", "1e400", "[", "]", "{", "}", ",", ":", "\"\\u0000\"", "\"a.b.\"",
        "\"\\ud800\"", "//", "/*", "\"error\"", "\"duration\"", "\"uuid\"", "[\"null\"]",
    ];

    [Fact]
    public void MutatedSchemas_ParseOrThrowAvroSchemaException_AndWhatParsesRoundTrips()
    {
        var random = new Random(20_240_606);
        var corpus = SchemaCorpus.Valid.Select(c => c.Json).ToArray();
        int parsed = 0, rejected = 0;
        var stopwatch = Stopwatch.StartNew();
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        for (var i = 0; i < Iterations; i++)
        {
            var json = Mutate(random, corpus);
            AvroSchema schema;
            try
            {
                schema = AvroSchema.Parse(json);
            }
            catch (AvroSchemaException)
            {
                rejected++;
                continue;
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {i}: {e.GetType().Name} from {Printable(json)}\n{e}");
                return;
            }
            parsed++;
            var written = schema.ToJson();
            var again = AvroSchema.Parse(written);
            Assert.True(schema.ToCanonicalForm() == again.ToCanonicalForm(), $"iteration {i}: round trip changed {Printable(json)}");
            Assert.Equal(written, again.ToJson());
            Assert.Equal(schema.Fingerprint64(), again.Fingerprint64());
        }
        output.WriteLine($"{Iterations} inputs: {parsed} parsed, {rejected} rejected, {stopwatch.Elapsed.TotalSeconds:F1} s, " +
                         $"{(GC.GetTotalAllocatedBytes() - allocatedBefore) / (1024 * 1024)} MiB allocated in all");
        Assert.True(parsed > Iterations / 50, $"only {parsed} mutants parsed: the mutations are too destructive to reach the checks past JSON");
        Assert.True(rejected > Iterations / 2, $"only {rejected} mutants rejected");
    }

    /// <summary>One to three mutations of a random corpus schema.</summary>
    internal static string Mutate(Random random, string[] corpus)
    {
        var text = corpus[random.Next(corpus.Length)];
        var rounds = 1 + random.Next(3);
        for (var r = 0; r < rounds; r++) text = MutateOnce(random, text, corpus);
        return text;
    }

    private static string MutateOnce(Random random, string text, string[] corpus)
    {
        if (text.Length == 0) return Tokens[random.Next(Tokens.Length)];
        var at = random.Next(text.Length);
        switch (random.Next(10))
        {
            case 0: // flip one bit of one character
                var chars = text.ToCharArray();
                chars[at] = (char)(chars[at] ^ (1 << random.Next(8)));
                return new string(chars);
            case 1: // replace a character with a significant one
                return text[..at] + Alphabet[random.Next(Alphabet.Length)] + text[(at + 1)..];
            case 2: // delete a run
                return text.Remove(at, Math.Min(text.Length - at, 1 + random.Next(8)));
            case 3: // insert a token
                return text.Insert(at, Tokens[random.Next(Tokens.Length)]);
            case 4: // truncate
                return text[..at];
            case 5: // splice: a prefix of this one and a suffix of another
                var other = corpus[random.Next(corpus.Length)];
                return text[..at] + other[random.Next(other.Length)..];
            case 6: // duplicate a slice
                var length = Math.Min(text.Length - at, 1 + random.Next(40));
                return text.Insert(at, text.Substring(at, length));
            case 7: // nest deeply as arrays, unions or maps
                var depth = random.Next(2) == 0 ? 1 + random.Next(200) : 100 + random.Next(5000);
                var open = random.Next(3) switch { 0 => "{\"type\":\"array\",\"items\":", 1 => "[", _ => "{\"type\":\"map\",\"values\":" };
                var close = open == "[" ? "]" : "}";
                var sb = new StringBuilder();
                for (var d = 0; d < depth; d++) sb.Append(open);
                sb.Append(text);
                for (var d = 0; d < depth; d++) sb.Append(close);
                return sb.ToString();
            case 8: // swap a quoted word for another token
                var quote = text.IndexOf('"', at);
                if (quote < 0) goto default;
                var end = text.IndexOf('"', quote + 1);
                if (end < 0) goto default;
                return text[..quote] + Tokens[random.Next(Tokens.Length)] + text[(end + 1)..];
            default: // a long string
                return text.Insert(at, new string('x', random.Next(2) == 0 ? 100 : 100_000));
        }
    }

    private static string Printable(string json) => json.Length <= 300 ? json : json[..300] + $"... ({json.Length} chars)";
}
