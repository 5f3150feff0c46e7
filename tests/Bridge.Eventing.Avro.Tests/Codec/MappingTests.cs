using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Mapping;
using Bridge.Eventing.Avro.Schemas;
using Xunit;

namespace Bridge.Eventing.Avro.Tests.Codec;

public class MappingTests
{
    private sealed record Order(string Id, long Amount, DateTime At);

    private static readonly AvroSchema Schema = AvroSchema.Parse("""
        {"type":"record","name":"Order","fields":[
          {"name":"id","type":"string"},{"name":"amount","type":"long"},
          {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
          {"name":"source","type":"string","default":"bridge"}]}
        """);

    private static readonly AvroMapping<Order> Orders = AvroMapping.For<Order>(Schema)
        .Field("id", o => o.Id)
        .Field("amount", o => o.Amount)
        .Field("at", o => o.At)
        .Build(r => new Order(r.Get<string>("id"), r.Get<long>("amount"), r.Get<DateTime>("at")));

    [Fact]
    public void Value_RoundTripsThroughTheBinaryEncoding_UnmappedFieldsTakeDefaults()
    {
        var order = new Order("o-1", 250, new DateTime(2026, 11, 22, 9, 30, 0, DateTimeKind.Utc));
        var record = Orders.ToRecord(order);
        Assert.Equal("bridge", record["source"]);
        var back = Orders.FromRecord((GenericRecord)new DatumReader(Schema).Read(new DatumWriter(Schema).Encode(record))!);
        Assert.Equal(order, back);
    }

    [Fact]
    public void UnmappedFieldWithoutDefault_IsRefusedAtBuild()
    {
        var error = Assert.Throws<ArgumentException>(() => AvroMapping.For<Order>(Schema).Field("id", o => o.Id).Build(_ => null!));
        Assert.Contains("amount, at", error.Message);
    }

    [Fact]
    public void UnknownField_IsRefused() =>
        Assert.Throws<ArgumentException>(() => AvroMapping.For<Order>(Schema).Field("price", o => o.Amount));
}
