using Bridge.Eventing.Avro.Binary;
using System.Numerics;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;
using Xunit;

namespace Bridge.Eventing.Avro.Tests.Codec;

public class LogicalValueTests
{
    private static string Hex(string schema, object? value) => Convert.ToHexString(new DatumWriter(AvroSchema.Parse(schema)).Encode(value));

    [Fact]
    public void Date_IsDaysSinceTheEpoch()
    {
        const string schema = """{"type":"int","logicalType":"date"}""";
        Assert.Equal("02", Hex(schema, new DateOnly(1970, 1, 2)));
        Assert.Equal("01", Hex(schema, new DateOnly(1969, 12, 31)));
        Assert.Equal(new DateOnly(1970, 1, 2), new DatumReader(AvroSchema.Parse(schema)).Read([2]));
    }

    [Fact]
    public void TimestampBeforeTheEpoch_RoundsTowardThePast()
    {
        const string schema = """{"type":"long","logicalType":"timestamp-millis"}""";
        var justBefore = DateTime.UnixEpoch.AddTicks(-5_000); // -0.5 ms
        Assert.Equal("01", Hex(schema, justBefore)); // -1 ms
    }

    [Fact]
    public void DateTimeOffset_IsWrittenAsItsUtcInstant()
    {
        const string schema = """{"type":"long","logicalType":"timestamp-micros"}""";
        var at = new DateTimeOffset(1970, 1, 1, 2, 0, 0, TimeSpan.FromHours(2));
        Assert.Equal("00", Hex(schema, at));
    }

    [Theory]
    [InlineData("1.00", "64")]        // 100 at scale 2
    [InlineData("-1.28", "80")]       // -128 in one byte of two's complement
    [InlineData("1.28", "0080")]      // 128 needs a sign byte
    [InlineData("0.01", "01")]
    public void DecimalBytes_AreMinimalTwosComplementBigEndian(string value, string hexBody)
    {
        const string schema = """{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}""";
        var bytes = Convert.FromHexString(hexBody);
        var encoded = Hex(schema, decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Convert.ToHexString(new DatumWriter(AvroSchema.Bytes).Encode(bytes)), encoded);
        var back = (AvroDecimal)new DatumReader(AvroSchema.Parse(schema)).Read(Convert.FromHexString(encoded))!;
        Assert.Equal(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), back.ToDecimal());
    }

    [Fact]
    public void DecimalFixed_IsSignExtendedToTheSize()
    {
        const string schema = """{"type":"fixed","name":"M","size":4,"logicalType":"decimal","precision":9,"scale":0}""";
        Assert.Equal("FFFFFFFE", Hex(schema, new AvroDecimal(new BigInteger(-2), 0)));
        Assert.Equal("00000102", Hex(schema, new AvroDecimal(new BigInteger(258), 0)));
    }

    [Fact]
    public void DecimalOfAnotherScale_IsRefused()
    {
        const string schema = """{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}""";
        var error = Assert.Throws<AvroEncodeException>(() => Hex(schema, new AvroDecimal(1, 3)));
        Assert.Contains("scale 3, the schema's is 2", error.Detail);
    }

    [Fact]
    public void Duration_IsThreeLittleEndianCounts()
    {
        const string schema = """{"type":"fixed","name":"D","size":12,"logicalType":"duration"}""";
        Assert.Equal("010000000200000003010000", Hex(schema, new AvroDuration(1, 2, 259)));
    }

    [Fact]
    public void Uuid_IsItsText()
    {
        var id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        const string schema = """{"type":"string","logicalType":"uuid"}""";
        Assert.Equal(Hex("\"string\"", "0f8fad5b-d9cb-469f-a165-70867728950e"), Hex(schema, id));
        var notUuid = new DatumWriter(AvroSchema.String).Encode("nope");
        var error = Assert.Throws<AvroDecodeException>(() => new DatumReader(AvroSchema.Parse(schema)).Read(notUuid));
        Assert.Contains("is not a UUID", error.Detail);
    }

    [Theory]
    [InlineData("""{"type":"int","logicalType":"date"}""", "int", 2_147_483_647L, "outside years 1-9999")]
    [InlineData("""{"type":"int","logicalType":"time-millis"}""", "int", 86_400_000L, "not within a day")]
    [InlineData("""{"type":"long","logicalType":"time-micros"}""", "long", -1L, "not within a day")]
    [InlineData("""{"type":"long","logicalType":"timestamp-millis"}""", "long", long.MaxValue, "outside years 1-9999")]
    public void ValuesNoDotNetTypeHolds_AreDecodeErrors(string schema, string underlying, long raw, string reason)
    {
        var bytes = underlying == "int" ? new DatumWriter(AvroSchema.Int).Encode((int)raw) : new DatumWriter(AvroSchema.Long).Encode(raw);
        var error = Assert.Throws<AvroDecodeException>(() => new DatumReader(AvroSchema.Parse(schema)).Read(bytes));
        Assert.Contains(reason, error.Detail);
    }

    [Fact]
    public void UnderlyingValues_AreAcceptedToo()
    {
        Assert.Equal("02", Hex("""{"type":"int","logicalType":"date"}""", 1));
        Assert.Equal("02", Hex("""{"type":"long","logicalType":"timestamp-millis"}""", 1L));
    }
}
