using System.Text;
using Bridge.Eventing.Avro.Resolution;
using Bridge.Eventing.Schemas.Registry;
using Bridge.Eventing.Schemas.Store;
using static Bridge.Eventing.Schemas.Tests.Infrastructure.TestSchemas;

namespace Bridge.Eventing.Schemas.Tests.Store;

/// <summary>The _schemas records in Confluent's JSON format: exact bytes, round trips, and what is skipped and why.</summary>
public class StoreRecordCodecTests
{
    private static readonly SubjectVersion Version1 = new("orders-value", 1, new StoredSchema(7, Parse(OrderV1)), Deleted: false);

    private static (string Key, string? Value) Text(StoreRecord record)
    {
        var (key, value) = StoreRecordCodec.Encode(record);
        return (Encoding.UTF8.GetString(key), value is null ? null : Encoding.UTF8.GetString(value));
    }

    private static StoreRecord? Decode(string key, string? value, out string? skipped) =>
        StoreRecordCodec.Decode(Encoding.UTF8.GetBytes(key), value is null ? null : Encoding.UTF8.GetBytes(value), out skipped);

    [Fact]
    public void Encode_UsesConfluentsKeysAndValues()
    {
        Assert.Equal(("""{"keytype":"SCHEMA","subject":"orders-value","version":1,"magic":1}""",
                """{"subject":"orders-value","version":1,"id":7,"schema":"{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}","deleted":false}"""),
            Text(new SchemaRecord("orders-value", 1, Version1)));
        Assert.Equal(("""{"keytype":"SCHEMA","subject":"orders-value","version":1,"magic":1}""", null), Text(new SchemaRecord("orders-value", 1, null)));
        Assert.Equal(("""{"keytype":"CONFIG","subject":null,"magic":0}""", """{"compatibilityLevel":"FULL_TRANSITIVE"}"""),
            Text(new ConfigRecord(null, CompatibilityLevel.FullTransitive)));
        Assert.Equal(("""{"keytype":"CONFIG","subject":"a","magic":0}""", null), Text(new ConfigRecord("a", null)));
        Assert.Equal(("""{"keytype":"DELETE_SUBJECT","subject":"a","magic":0}""", """{"subject":"a","version":3}"""),
            Text(new DeleteSubjectRecord("a", 3)));
    }

    [Fact]
    public void Encode_ThenDecode_GivesTheSameRecords()
    {
        StoreRecord[] records =
        [
            new SchemaRecord("orders-value", 1, Version1),
            new SchemaRecord("orders-value", 1, Version1 with { Deleted = true }),
            new SchemaRecord("ünï/cødé \"quoted\"", 2, Version1 with { Subject = "ünï/cødé \"quoted\"", Version = 2 }),
            new SchemaRecord("a", 9, null),
            new ConfigRecord(null, CompatibilityLevel.None),
            new ConfigRecord("a", CompatibilityLevel.Forward),
            new ConfigRecord("a", null),
            new DeleteSubjectRecord("a", 4),
        ];
        foreach (var record in records)
        {
            var (key, value) = StoreRecordCodec.Encode(record);
            var decoded = StoreRecordCodec.Decode(key, value, out var skipped);
            Assert.Null(skipped);
            if (record is SchemaRecord { Value: { } v })
            {
                var d = Assert.IsType<SchemaRecord>(decoded).Value!;
                Assert.Equal((v.Subject, v.Version, v.Id, v.Schema.Text, v.Deleted), (d.Subject, d.Version, d.Id, d.Schema.Text, d.Deleted));
            }
            else Assert.Equal(record, decoded);
        }
    }

    [Fact]
    public void Decode_ConfluentWrittenSchema_NormalisesItsText()
    {
        // As Confluent's registry writes it: spaced, an extra member it knows (schemaType AVRO), no "deleted".
        var record = Decode("""{"keytype":"SCHEMA","subject":"s","version":2,"magic":1}""",
            """{"subject":"s","version":2,"id":3,"schemaType":"AVRO","schema":"{\"type\": \"record\", \"name\": \"shop.Order\", \"fields\": [{\"type\": \"long\", \"name\": \"id\"}]}"}""", out _);
        var v = Assert.IsType<SchemaRecord>(record).Value!;
        Assert.Equal((3, false, Parse(OrderV1).ToJson()), (v.Id, v.Deleted, v.Schema.Text));
    }

    [Theory]
    [InlineData("""{"keytype":"NOOP","magic":0}""", "{}", "key type NOOP is not used")]
    [InlineData("""{"keytype":"MODE","subject":null,"magic":0}""", """{"mode":"READWRITE"}""", "key type MODE is not used")]
    [InlineData("""{"magic":0}""", "{}", "no keytype")]
    [InlineData("""[1]""", "{}", "key is not a JSON object")]
    [InlineData("""not json""", "{}", "not JSON")]
    [InlineData("""{"keytype":"SCHEMA","subject":"s","version":0,"magic":1}""", null, "version of at least 1")]
    [InlineData("""{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}""", "[]", "not a JSON object")]
    [InlineData("""{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}""", """{"subject":"t","version":1,"id":1,"schema":"\"int\""}""", "names another subject")]
    [InlineData("""{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}""", """{"subject":"s","version":1,"id":0,"schema":"\"int\""}""", "id of at least 1")]
    [InlineData("""{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}""", """{"subject":"s","version":1,"id":1,"schema":"\"int\"","schemaType":"PROTOBUF"}""", "Avro only")]
    [InlineData("""{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}""", """{"subject":"s","version":1,"id":1,"schema":"\"int\"","references":[{"name":"x","subject":"y","version":1}]}""", "references")]
    [InlineData("""{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}""", """{"subject":"s","version":1,"id":1,"schema":"{\"type\":\"nope\"}"}""", "does not parse: Invalid Avro schema at $.type")]
    [InlineData("""{"keytype":"CONFIG","magic":0}""", """{"compatibilityLevel":"FULL"}""", "CONFIG key needs a subject")]
    [InlineData("""{"keytype":"CONFIG","subject":"s","magic":0}""", """{"compatibilityLevel":"SIDEWAYS"}""", "is not a compatibility level")]
    [InlineData("""{"keytype":"DELETE_SUBJECT","subject":"s","magic":0}""", null, "tombstone")]
    [InlineData("""{"keytype":"DELETE_SUBJECT","subject":"s","magic":0}""", """{"subject":"s"}""", "needs the same subject and a version")]
    public void Decode_SkipsWhatItDoesNotApply_SayingWhy(string key, string? value, string why)
    {
        Assert.Null(Decode(key, value, out var skipped));
        Assert.Contains(why, skipped);
    }

    [Fact]
    public void Decode_ConfigWithoutALevel_ClearsIt()
    {
        // Confluent's CONFIG values can carry other settings (normalize, ...) and no level.
        Assert.Equal(new ConfigRecord("s", null), Decode("""{"keytype":"CONFIG","subject":"s","magic":0}""", """{"normalize":true}""", out _));
    }
}
