using Bridge.Eventing.Avro.Binary;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Framing;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Avro.SingleObject;
using Bridge.Eventing.Avro.Tests.Codec;

namespace Bridge.Eventing.Avro.Tests.SingleObject;

/// <summary>Avro 1.11 specification, "Single-object encoding": C3 01, the little-endian CRC-64-AVRO fingerprint, the body; decoding by fingerprint.</summary>
public class SingleObjectTests
{
    private const string V1 = """{"type":"record","name":"r.Order","fields":[{"name":"id","type":"string"},{"name":"qty","type":"int"},{"name":"note","type":"string"}]}""";
    private const string V2 = """{"type":"record","name":"r.Order","fields":[{"name":"qty","type":"long"},{"name":"id","type":"string"},{"name":"priority","type":"int","default":3}]}""";

    [Fact]
    public void Message_IsMarker_LittleEndianFingerprint_ThenTheBinaryBody()
    {
        // "long" has the fingerprint 0xd054e14493f41db7 (Java's SchemaNormalization.parsingFingerprint64).
        var message = new SingleObjectEncoder(AvroSchema.Long).Encode(64L);
        Assert.Equal("C301" + "B71DF49344E154D0" + "8001", Convert.ToHexString(message));
    }

    [Fact]
    public void Everything_RoundTrips_AndTheBodyIsTheDatumEncoding()
    {
        var encoder = new SingleObjectEncoder(DatumCorpus.Everything);
        var datum = DatumCorpus.EverythingDatum(4);
        var message = encoder.Encode(datum);
        Assert.Equal(DatumCorpus.Everything.Fingerprint64(), encoder.Fingerprint);
        Assert.Equal(new DatumWriter(DatumCorpus.Everything).Encode(datum), message[SingleObjectFraming.HeaderLength..]);
        var decoder = new SingleObjectDecoder(new WriterSchemaStore(DatumCorpus.Everything));
        Assert.Equal(datum, decoder.Decode(message));
    }

    [Fact]
    public void Decoder_FindsEachWritersSchema_AndResolvesItToTheReaders()
    {
        var v1 = (RecordSchema)AvroSchema.Parse(V1);
        var v2 = (RecordSchema)AvroSchema.Parse(V2);
        var decoder = new SingleObjectDecoder(new WriterSchemaStore(v1, v2), v2);
        var old = (GenericRecord)decoder.Decode(new SingleObjectEncoder(v1).Encode(new GenericRecord(v1) { ["id"] = "a", ["qty"] = 2, ["note"] = "" }))!;
        var current = (GenericRecord)decoder.Decode(new SingleObjectEncoder(v2).Encode(new GenericRecord(v2) { ["id"] = "b", ["qty"] = 5L, ["priority"] = 1 }))!;
        Assert.Equal(("a", 2L, 3), ((string)old["id"]!, (long)old["qty"]!, (int)old["priority"]!));
        Assert.Equal(("b", 5L, 1), ((string)current["id"]!, (long)current["qty"]!, (int)current["priority"]!));
    }

    [Fact]
    public void UnknownFingerprint_IsAnErrorNamingIt()
    {
        var message = new SingleObjectEncoder(AvroSchema.Long).Encode(1L);
        var error = Assert.Throws<UnknownWriterSchemaException>(() => new SingleObjectDecoder(new WriterSchemaStore(AvroSchema.Int)).Decode(message));
        Assert.Equal(0xd054e14493f41db7UL, error.Fingerprint);
        Assert.Contains("d054e14493f41db7", error.Message);
    }

    [Theory]
    [InlineData("", "at least 10 bytes")]
    [InlineData("C301B71DF49344E154", "at least 10 bytes")]
    [InlineData("C300B71DF49344E154D002", "C3 01, not C3 00")]
    [InlineData("00000000010A", "at least 10 bytes")]
    public void BadHeaders_AreFramingErrors(string hex, string detail)
    {
        var decoder = new SingleObjectDecoder(new WriterSchemaStore(AvroSchema.Long));
        Assert.Contains(detail, Assert.Throws<AvroFramingException>(() => decoder.Decode(Convert.FromHexString(hex))).Message);
    }

    [Theory]
    [InlineData("C301B71DF49344E154D0", "truncated")]
    [InlineData("C301B71DF49344E154D00202", "1 bytes left")]
    public void BadBodies_AreDecodeErrors(string hex, string detail)
    {
        var decoder = new SingleObjectDecoder(new WriterSchemaStore(AvroSchema.Long));
        Assert.Contains(detail, Assert.Throws<AvroDecodeException>(() => decoder.Decode(Convert.FromHexString(hex))).Detail);
    }

    [Fact]
    public void WriterThatCannotBeRead_AsTheReader_IsAResolutionError()
    {
        var decoder = new SingleObjectDecoder(new WriterSchemaStore(AvroSchema.Long), AvroSchema.Int);
        Assert.Throws<AvroResolutionException>(() => decoder.Decode(new SingleObjectEncoder(AvroSchema.Long).Encode(1L)));
    }

    [Fact]
    public void Store_KeysByCanonicalForm_SoDocsAndDefaultsShareAFingerprint()
    {
        var store = new WriterSchemaStore();
        var plain = AvroSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"x","type":"int"}]}""");
        var documented = AvroSchema.Parse("""{"type":"record","name":"R","doc":"a doc","fields":[{"name":"x","type":"int","default":1}]}""");
        var fingerprint = store.Add(plain);
        Assert.Equal(fingerprint, store.Add(documented));
        Assert.Same(plain, store.Find(fingerprint));
        Assert.Null(store.Find(fingerprint + 1));
    }
}
