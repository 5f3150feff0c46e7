using System.Security.Cryptography;
using System.Text;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Tests.Schemas;

/// <summary>
/// Parsing Canonical Form, each of its transformations, the fingerprints, and the full JSON form's round trip.
/// </summary>
public class CanonicalFormTests
{
    // Each of the specification's examples, transformed by hand by its rules.
    [Theory]
    [InlineData("\"string\"", "\"string\"")]
    [InlineData("""{"type": "string"}""", "\"string\"")]                                   // PRIMITIVES
    [InlineData("""{"type": "int", "logicalType": "date"}""", "\"int\"")]                  // STRIP (logical types are not kept in 1.11)
    [InlineData("""{"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 2}""", "\"bytes\"")]
    [InlineData("""["null", "string"]""", """["null","string"]""")]
    [InlineData("""{"type": "array", "items": "string", "default": []}""", """{"type":"array","items":"string"}""")]
    [InlineData("""{"type": "map", "values": "long", "default": {}}""", """{"type":"map","values":"long"}""")]
    [InlineData("""{"type": "enum", "name": "Suit", "symbols" : ["SPADES", "HEARTS", "DIAMONDS", "CLUBS"]}""",
        """{"name":"Suit","type":"enum","symbols":["SPADES","HEARTS","DIAMONDS","CLUBS"]}""")]
    [InlineData("""{"type": "fixed", "size": 16, "name": "md5"}""", """{"name":"md5","type":"fixed","size":16}""")] // ORDER
    [InlineData("""{"type": "record", "name": "test", "fields" : [{"name": "a", "type": "long"}, {"name": "b", "type": "string"}]}""",
        """{"name":"test","type":"record","fields":[{"name":"a","type":"long"},{"name":"b","type":"string"}]}""")]
    [InlineData("""{"type": "fixed", "name": "F", "namespace": "x.y", "aliases": ["G"], "doc": "d", "size": 0}""",
        """{"name":"x.y.F","type":"fixed","size":0}""")]
    public void SpecificationExamples_HaveTheHandDerivedCanonicalForm(string json, string canonical) =>
        Assert.Equal(canonical, AvroSchema.Parse(json).ToCanonicalForm());

    // INTEGERS: "eliminate quotes around and any leading zeros in front of JSON integer
    // literals". A leading zero is not JSON, and "size" is "an integer" (Java and python3-avro
    // reject a quoted one too), so the only integers that reach the writer are plain ones.
    [Theory]
    [InlineData("""{"type": "fixed", "name": "F", "size": 012}""")]
    [InlineData("""{"type": "fixed", "name": "F", "size": "12"}""")]
    public void Integers_QuotedOrZeroPaddedSizes_AreRejected(string json) =>
        Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse(json));

    [Fact]
    public void LongList_FullnamesStripOrderWhitespace()
    {
        Assert.Equal("""{"name":"LongList","type":"record","fields":[{"name":"value","type":"long"},{"name":"next","type":["null","LongList"]}]}""",
            AvroSchema.Parse(SchemaCorpus.Json("long-list")).ToCanonicalForm());
    }

    [Fact]
    public void NamesExample_FullnamesReplaceNamesAndNamespacesGo()
    {
        Assert.Equal(
            """{"name":"Example","type":"record","fields":[""" +
            """{"name":"inheritNull","type":{"name":"Simple","type":"enum","symbols":["a","b"]}},""" +
            """{"name":"explicitNamespace","type":{"name":"explicit.Simple","type":"fixed","size":12}},""" +
            """{"name":"fullName","type":{"name":"a.full.Name","type":"record","fields":[""" +
            """{"name":"inheritNamespace","type":{"name":"a.full.Understanding","type":"enum","symbols":["d","e"]}}]}}]}""",
            AvroSchema.Parse(SchemaCorpus.Json("names-example")).ToCanonicalForm());
    }

    [Fact]
    public void Strings_EscapesBecomeTheCharacters()
    {
        Assert.Equal("""{"name":"Esc","type":"record","fields":[{"name":"x","type":"string"}]}""",
            AvroSchema.Parse(SchemaCorpus.Json("escapes")).ToCanonicalForm());
    }

    [Fact]
    public void Fullnames_LaterUsesAreFullNames_ErrorStaysError()
    {
        var schema = AvroSchema.Parse("""
            {"type": "error", "name": "E", "namespace": "p", "fields": [
              {"name": "a", "type": {"type": "fixed", "name": "F", "size": 3}},
              {"name": "b", "type": {"type": "array", "items": "F"}},
              {"name": "c", "type": ["null", "p.E"], "default": null}]}
            """);
        Assert.Equal(
            """{"name":"p.E","type":"error","fields":[{"name":"a","type":{"name":"p.F","type":"fixed","size":3}},""" +
            """{"name":"b","type":{"type":"array","items":"p.F"}},{"name":"c","type":["null","p.E"]}]}""",
            schema.ToCanonicalForm());
    }

    [Fact]
    public void EquivalentSchemas_ShareCanonicalFormAndFingerprints()
    {
        var a = AvroSchema.Parse("""{"type":"record","name":"a.R","fields":[{"name":"x","type":{"type":"int"}}]}""");
        var b = AvroSchema.Parse("""
            { "namespace" : "a", "doc": "same", "fields" : [ { "type" : "int", "name" : "x", "default": 1, "order": "ignore" } ],
              "name" : "R", "type" : "record", "aliases": ["Q"], "extra": true }
            """);
        Assert.Equal(a.ToCanonicalForm(), b.ToCanonicalForm());
        Assert.Equal(a.Fingerprint64(), b.Fingerprint64());
        Assert.Equal(a.FingerprintSha256(), b.FingerprintSha256());
        Assert.NotEqual(a.Fingerprint64(), AvroSchema.Parse("""{"type":"record","name":"a.R","fields":[{"name":"y","type":"int"}]}""").Fingerprint64());
    }

    // Values from Java's SchemaNormalization.parsingFingerprint64 (Debian's libavro-java), and
    // by the bit-at-a-time reference below, which follows the CRC's definition without the table.
    [Theory]
    [InlineData("\"null\"", 0x63dd24e7cc258f8aUL)]
    [InlineData("\"boolean\"", 0x9f42fc78a4d4f764UL)]
    [InlineData("\"int\"", 0x7275d51a3f395c8fUL)]
    [InlineData("\"long\"", 0xd054e14493f41db7UL)]
    [InlineData("\"float\"", 0x4d7c02cb3ea8d790UL)]
    [InlineData("\"double\"", 0x8e7535c032ab957eUL)]
    [InlineData("\"bytes\"", 0x4fc016dac3201965UL)]
    [InlineData("\"string\"", 0x8f014872634503c7UL)]
    [InlineData("""{"type":"record","name":"LongList","fields":[{"name":"value","type":"long"},{"name":"next","type":["null","LongList"]}]}""", 0x7c1d07908358ce92UL)]
    public void Fingerprint64_MatchesJavaAndTheBitwiseDefinition(string json, ulong expected)
    {
        var schema = AvroSchema.Parse(json);
        Assert.Equal(expected, schema.Fingerprint64());
        Assert.Equal(expected, BitwiseCrc64Avro(Encoding.UTF8.GetBytes(schema.ToCanonicalForm())));
    }

    [Fact]
    public void Crc64Avro_OfNothingIsEmpty_AndAgreesWithTheBitwiseDefinitionOnAllByteValues()
    {
        Assert.Equal(0xc15d213aa4d7a795UL, AvroFingerprint.Crc64Avro([]));
        var random = new Random(6);
        for (var length = 1; length < 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            if (length < 256) data[0] = (byte)length;
            Assert.Equal(BitwiseCrc64Avro(data), AvroFingerprint.Crc64Avro(data));
        }
    }

    /// <summary>
    /// CRC-64-AVRO one bit at a time: the message, least significant bit first, shifted through
    /// a register that starts at EMPTY and is reduced by the polynomial EMPTY (reflected) whenever
    /// a one falls out. No table, so a mistake in building or indexing the table shows.
    /// </summary>
    private static ulong BitwiseCrc64Avro(byte[] data)
    {
        var fp = AvroFingerprint.Empty;
        foreach (var b in data)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var outgoing = (fp ^ (ulong)(b >> bit)) & 1;
                fp >>= 1;
                if (outgoing == 1) fp ^= AvroFingerprint.Empty;
            }
        }
        return fp;
    }

    [Fact]
    public void Sha256AndMd5_AreOfTheUtf8CanonicalForm()
    {
        var schema = AvroSchema.Parse(SchemaCorpus.Json("everything"));
        var bytes = Encoding.UTF8.GetBytes(schema.ToCanonicalForm());
        Assert.Equal(SHA256.HashData(bytes), schema.FingerprintSha256());
        Assert.Equal(MD5.HashData(bytes), schema.FingerprintMd5());
        Assert.Equal(32, AvroSchema.Int.FingerprintSha256().Length);
        Assert.Equal(16, AvroSchema.Int.FingerprintMd5().Length);
    }

    [Fact]
    public void CanonicalForm_IsAscii_AndHasNoWhitespace()
    {
        foreach (var (_, json) in SchemaCorpus.Valid)
        {
            var canonical = AvroSchema.Parse(json).ToCanonicalForm();
            Assert.All(canonical, c => Assert.True(c > ' ' && c < 0x7f, canonical));
        }
    }

    [Theory]
    [MemberData(nameof(SchemaCorpus.ValidCases), MemberType = typeof(SchemaCorpus))]
    public void ToJson_RoundTripsThroughParse(string name)
    {
        var schema = AvroSchema.Parse(SchemaCorpus.Json(name));
        var json = schema.ToJson();
        var again = AvroSchema.Parse(json);
        Assert.Equal(json, again.ToJson());
        Assert.Equal(schema.ToCanonicalForm(), again.ToCanonicalForm());
        Assert.Equal(schema.LogicalType, again.LogicalType);
        Assert.Equal(schema.Properties.Keys, again.Properties.Keys);
        // The canonical form is itself a schema with the same canonical form, except where it
        // cannot say so (see CanonicalForm_LosesTheNullNamespaceOfANestedType).
        if (name != "null-namespace-inside")
            Assert.Equal(schema.ToCanonicalForm(), AvroSchema.Parse(schema.ToCanonicalForm()).ToCanonicalForm());
    }

    // A known gap in the specification: FULLNAMES removes namespace attributes, and a type in
    // the null namespace has no dotted full name, so inside a namespaced record its canonical
    // definition reads as a type of the enclosing namespace. Java's SchemaNormalization does the
    // same. The canonical form is for comparing and fingerprinting, not for parsing, so we follow
    // the specification's text.
    [Fact]
    public void CanonicalForm_LosesTheNullNamespaceOfANestedType()
    {
        var schema = AvroSchema.Parse(SchemaCorpus.Json("null-namespace-inside"));
        Assert.Equal(
            """{"name":"ns.Outer","type":"record","fields":[{"name":"bare","type":{"name":"Bare","type":"enum","symbols":["X"]}},""" +
            """{"name":"same","type":{"name":"ns.Same","type":"fixed","size":2}},{"name":"again","type":["null","ns.Same","ns.Outer"]}]}""",
            schema.ToCanonicalForm());
        var reparsed = (RecordSchema)AvroSchema.Parse(schema.ToCanonicalForm());
        Assert.Equal("ns.Bare", ((NamedSchema)reparsed.Fields[0].Schema).FullName);
    }

    [Fact]
    public void ToJson_WritesEverythingKept()
    {
        var json = AvroSchema.Parse(SchemaCorpus.Json("everything")).ToJson();
        foreach (var fragment in new[]
                 {
                     "\"namespace\":\"org.bridge.test\"", "\"aliases\":[\"org.bridge.test.All\",\"old.Everything\"]",
                     "\"java-class\":\"org.example.Everything\"", "\"order\":\"descending\"", "\"doc\":\"a flag\"",
                     "\"default\":-2147483648", "\"default\":9223372036854775807", "\"x-note\":{\"nested\":[1,2]}",
                     "\"logicalType\":\"decimal\",\"precision\":38,\"scale\":9", "\"logicalType\":\"local-timestamp-micros\"",
                     "\"default\":\"A\"", "\"items\":\"Kind\"", "\"type\":\"other.Inner\"", "\"default\":\"héllo ",
                 })
            Assert.Contains(fragment, json);
        Assert.Equal(
            """{"type":"record","name":"Outer","namespace":"ns","fields":[{"name":"bare","type":{"type":"enum","name":"Bare","namespace":"","symbols":["X"]}},""" +
            """{"name":"same","type":{"type":"fixed","name":"Same","size":2}},{"name":"again","type":["null","Same","Outer"]}]}""",
            AvroSchema.Parse(SchemaCorpus.Json("null-namespace-inside")).ToJson());
        Assert.Equal("""{"type":"long","logicalType":"nanos-since-big-bang"}""", AvroSchema.Parse(SchemaCorpus.Json("unknown-logical")).ToJson());
        Assert.Equal("\"int\"", AvroSchema.Parse("""{"type": "int"}""").ToJson());
    }
}
