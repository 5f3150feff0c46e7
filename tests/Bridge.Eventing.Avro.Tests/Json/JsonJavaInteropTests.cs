using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Json;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Avro.Tests.Codec;
using Bridge.Testing;

namespace Bridge.Eventing.Avro.Tests.Json;

/// <summary>
/// The JSON encoding against an implementation nobody here wrote: Java's
/// org.apache.avro.io.JsonEncoder and JsonDecoder in Debian's libavro-java 1.8.2
/// (tests/interop/avro/json/JsonPeer.java). For the same datum, Java's JSON and ours parse to the
/// same JSON value (compared as values: member order, escapes and number spelling aside), we read
/// Java's JSON back to the datum, and Java reads ours (its binary encoding of what it read decodes
/// to the datum). python3-avro 1.11.1 has no JSON encoding (its `avro cat --format json` prints
/// json.dumps of its own datum model), so Java is the only peer.
/// </summary>
[Trait("Category", "Interop")]
public class JsonJavaInteropTests
{
    private static readonly string[] ClassPath = ["avro.jar", "jackson-core-asl.jar", "jackson-mapper-asl.jar", "slf4j-api.jar", "slf4j-nop.jar"];

    private sealed record JavaAnswer(List<JsonElement> FromBinary, List<JsonElement> FromJson);

    [Fact]
    public async Task SameDatum_GivesTheSameJson_AndEachSideReadsTheOthers()
    {
        var groups = JsonCorpus.All().GroupBy(p => p.Schema).Select(g => (Schema: g.Key, Datums: g.Select(p => p.Datum).ToList())).ToList();
        var answers = await JavaAsync(groups.Select(g => (g.Schema,
            g.Datums.Select(d => new DatumWriter(g.Schema).Encode(d)).ToArray(), g.Datums.Select(d => JsonCorpus.Tagged.Write(g.Schema, d)).ToArray())));
        foreach (var ((schema, datums), answer) in groups.Zip(answers))
        {
            var ours = datums.Select(d => JsonCorpus.Tagged.Write(schema, d)).ToList();
            for (var i = 0; i < datums.Count; i++)
            {
                var theirs = answer.FromBinary[i].GetProperty("json").GetString()!;
                Assert.True(SameValue(JsonDocument.Parse(ours[i]).RootElement, JsonDocument.Parse(theirs).RootElement), $"ours:   {ours[i]}\njava's: {theirs}");
                Assert.Equal(datums[i], JsonCorpus.TaggedReader.Read(schema, theirs));
                if (HasNonFiniteFloat(datums[i]))
                {
                    // Java 1.8.2's JsonDecoder refuses the "NaN"/"Infinity" strings its own JsonEncoder writes
                    // (AVRO-2032, fixed in later releases); we write and read them as its encoder does.
                    Assert.Contains("Got VALUE_STRING", answer.FromJson[i].GetProperty("error").GetString());
                    continue;
                }
                Assert.False(answer.FromJson[i].TryGetProperty("error", out var error), $"java refused {ours[i]}: {error}");
                var binary = Convert.FromHexString(answer.FromJson[i].GetProperty("binary").GetString()!);
                Assert.Equal(datums[i], new DatumReader(schema).Read(binary));
            }
        }
    }

    [Fact]
    public async Task NonFiniteFloats_AreWrittenAsJavasStrings()
    {
        var schema = AvroSchema.Parse("""{"type": "record", "name": "F", "fields": [{"name": "f", "type": "float"}, {"name": "d", "type": "double"}]}""");
        var datums = new[] { (float.NaN, double.PositiveInfinity), (float.NegativeInfinity, double.NaN) }
            .Select(p => new GenericRecord((RecordSchema)schema) { ["f"] = p.Item1, ["d"] = p.Item2 }).ToList();
        var answer = await JavaAsync(schema, datums.Select(d => new DatumWriter(schema).Encode(d)), []);
        Assert.Equal("""{"f":"NaN","d":"Infinity"}""", answer.FromBinary[0].GetProperty("json").GetString());
        Assert.Equal("""{"f":"-Infinity","d":"NaN"}""", answer.FromBinary[1].GetProperty("json").GetString());
        Assert.Equal(answer.FromBinary.Select(j => j.GetProperty("json").GetString()), datums.Select(d => JsonCorpus.Tagged.Write(schema, d)));
    }

    [Fact]
    public async Task InvalidJson_IsRefusedByJavaAndByUs()
    {
        (string Schema, string Json, bool DatumFault)[] cases =
        [
            // schema, JSON, whether the fault is in the datum (not in the JSON syntax)
            ("""["null", "string"]""", """{"int": 1}""", true),
            ("""["null", "string"]""", "\"a\"", true),
            ("""{"type": "enum", "name": "E", "symbols": ["A"]}""", "\"B\"", true),
            ("""{"type": "fixed", "name": "F", "size": 2}""", "\"abc\"", true),
            ("""{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]}""", "{}", true),
            ("\"int\"", "\"1\"", true),
            ("\"boolean\"", "1", true),
            ("""{"type": "array", "items": "int"}""", "[1,", false),
        ];
        var answers = await JavaAsync(cases.Select(c => (AvroSchema.Parse(c.Schema), Array.Empty<byte[]>(), new[] { c.Json })));
        for (var i = 0; i < cases.Length; i++)
        {
            Assert.True(answers[i].FromJson[0].TryGetProperty("error", out _), $"java read {cases[i].Json}");
            var error = Assert.Throws<AvroJsonException>(() => JsonCorpus.TaggedReader.Read(AvroSchema.Parse(cases[i].Schema), cases[i].Json));
            Assert.Equal(cases[i].DatumFault, error.InnerException is null);
        }
    }

    [Fact]
    public async Task WhereJavaIsLaxerThanTheSpecification_WeRefuse_OrTakeTheDefault()
    {
        (string Schema, string Json, string OurDetail)[] cases =
        [
            // schema, JSON Java 1.8.2 reads (making binary of it), what we say instead
            ("\"int\"", "1.5", "an integer is written without a fraction or exponent"),       // Java truncates to 1
            ("\"float\"", "1e39", "outside its range"),                                          // Java reads Infinity
            ("""{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]}""", """{"a": 1, "b": 2}""", "record R has no such field"), // Java skips a trailing unknown member
            ("""{"type": "map", "values": "int"}""", """{"k": 1, "k": 2}""", "the key appears twice in the map"), // Java keeps the last
            // Java reads bytes 30 39 (12345) as they are; our binary reader does too, but 1234.5 has more than 3 digits.
            ("""{"type": "bytes", "logicalType": "decimal", "precision": 3, "scale": 1}""", "\"09\"", "has more than the schema's 3 digits"),
        ];
        const string withDefault = """{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}, {"name": "b", "type": "string", "default": "x"}]}""";
        var answers = await JavaAsync(cases.Select(c => (AvroSchema.Parse(c.Schema), Array.Empty<byte[]>(), new[] { c.Json }))
            .Append((AvroSchema.Parse(withDefault), Array.Empty<byte[]>(), ["""{"a": 1}"""])));
        for (var i = 0; i < cases.Length; i++)
        {
            Assert.True(answers[i].FromJson[0].TryGetProperty("binary", out _), $"java refused {cases[i].Json}: {answers[i].FromJson[0]}");
            Assert.Contains(cases[i].OurDetail, Assert.Throws<AvroJsonException>(() => JsonCorpus.TaggedReader.Read(AvroSchema.Parse(cases[i].Schema), cases[i].Json)).Detail);
        }
        // A missing field: Java's JsonDecoder wants every field, default or not; we take the default.
        Assert.True(answers[^1].FromJson[0].TryGetProperty("error", out _));
        Assert.Equal("x", ((GenericRecord)JsonCorpus.TaggedReader.Read(AvroSchema.Parse(withDefault), """{"a": 1}""")!)["b"]);
    }

    private static bool HasNonFiniteFloat(GenericRecord record) =>
        record.Schema.Fields.Any(f => record[f.Position] is float x && !float.IsFinite(x) || record[f.Position] is double y && !double.IsFinite(y));

    /// <summary>
    /// Whether two JSON values are the same value: objects as sets of uniquely named members (Java's
    /// maps are HashMaps), arrays item by item, strings by content, numbers by the double they denote
    /// (Java writes 5.0 and 1.0E21 where we write 5.0 and 1E+21, and 4.9E-324 for our 5E-324).
    /// </summary>
    private static bool SameValue(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind) return false;
        switch (a.ValueKind)
        {
            case JsonValueKind.Object:
                var members = b.EnumerateObject().ToDictionary(m => m.Name, m => m.Value);
                return a.EnumerateObject().Count() == members.Count
                    && a.EnumerateObject().All(m => members.TryGetValue(m.Name, out var other) && SameValue(m.Value, other));
            case JsonValueKind.Array:
                return a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(p => SameValue(p.First, p.Second));
            case JsonValueKind.String:
                return a.GetString() == b.GetString();
            case JsonValueKind.Number:
                return a.GetRawText() == b.GetRawText() || a.GetDouble().Equals(b.GetDouble());
            default:
                return true;
        }
    }

    private static async Task<JavaAnswer> JavaAsync(AvroSchema schema, IEnumerable<byte[]> binary, IEnumerable<string> json) =>
        (await JavaAsync([(schema, binary.ToArray(), json.ToArray())]))[0];

    /// <summary>One JVM for a batch of requests: each schema's binary datums to JSON, and its JSON texts to binary.</summary>
    private static async Task<List<JavaAnswer>> JavaAsync(IEnumerable<(AvroSchema Schema, byte[][] Binary, string[] Json)> requests)
    {
        var batch = new JsonArray(requests.Select(r => (JsonNode)new JsonObject
        {
            ["schema"] = r.Schema.ToJson(),
            ["binary"] = new JsonArray(r.Binary.Select(b => (JsonNode)Convert.ToHexString(b)).ToArray()),
            ["json"] = new JsonArray(r.Json.Select(j => (JsonNode)j).ToArray()),
        }).ToArray());
        using var peer = ChildProcess.Start("java",
            ["-cp", string.Join(':', ClassPath.Select(j => Path.Combine("/usr/share/java", j))), PeerSource()], batch.ToJsonString());
        if (!await peer.WaitForExitAsync(TimeSpan.FromMinutes(2)))
            throw new TimeoutException($"{peer.CommandLine} did not finish within 2 minutes: {peer.Stderr}");
        Assert.True(peer.ExitCode == 0, $"java exited {peer.ExitCode}: {peer.Stderr}");
        return JsonDocument.Parse(peer.Stdout).RootElement.Clone().EnumerateArray()
            .Select(a => new JavaAnswer([.. a.GetProperty("fromBinary").EnumerateArray()], [.. a.GetProperty("fromJson").EnumerateArray()]))
            .ToList();
    }

    /// <summary>tests/interop/avro/json/JsonPeer.java, copied beside the test binaries.</summary>
    private static string PeerSource() => Path.Combine(AppContext.BaseDirectory, "interop", "avro", "json", "JsonPeer.java");
}
