using System.Buffers.Binary;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Framing;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Mapping;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Kafka;
using Bridge.Eventing.Schemas.Client;
using Bridge.Eventing.Schemas.Serdes;
using Bridge.Eventing.Schemas.Tests.Infrastructure;
using Confluent.Kafka;

namespace Bridge.Eventing.Schemas.Tests.Serdes;

/// <summary>
/// The registry client and the Confluent.Kafka serializer/deserializer against a real embedded
/// broker and registry: the Confluent wire format, ids from the registry, schema evolution on read.
/// </summary>
[Trait("Category", "Interop")] // Confluent.Kafka over Debian's librdkafka
public class SerdesTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private RegistryHarness Api => fixture.Harness;

    private SchemaRegistryClient Client() => new(Api.Registry!.Address);

    [Fact]
    public async Task Client_RegistersOnce_FetchesById_AndReportsConfluentErrorCodes()
    {
        using var client = Client();
        var id = await client.RegisterAsync("client-value", TaskEvent.Schema);
        using var fresh = Client();
        Assert.Equal(id, await fresh.RegisterAsync("client-value", TaskEvent.Schema));
        Assert.Equal(id, await fresh.LookupAsync("client-value", TaskEvent.Schema));
        Assert.Equal(TaskEvent.Schema.ToCanonicalForm(), (await fresh.GetSchemaAsync(id)).ToCanonicalForm());
        var latest = await fresh.GetLatestAsync("client-value");
        Assert.Equal((1, id), (latest.Version, latest.Id));

        var missing = await Assert.ThrowsAsync<SchemaRegistryException>(() => fresh.GetSchemaAsync(987_654));
        Assert.Equal((404, 40403), (missing.HttpStatus, missing.ErrorCode));
        var incompatible = await Assert.ThrowsAsync<SchemaRegistryException>(() => fresh.RegisterAsync("client-value", AvroSchema.Parse(
            """{"type":"record","name":"TaskEvent","namespace":"bridge.bench","fields":[{"name":"id","type":"long"}]}""")));
        Assert.Equal((409, 409), (incompatible.HttpStatus, incompatible.ErrorCode));
    }

    [Fact]
    public async Task MappedEvents_RoundTripThroughKafka_InTheConfluentWireFormat()
    {
        const string topic = "serdes-roundtrip";
        using var registry = Client();
        var sent = Enumerable.Range(0, 50).Select(i => TaskEvent.Make(i, "cs")).ToList();
        await KafkaClients.ProduceAsync(Api, topic, AvroSerdes.Serializer(registry, TaskEvent.Mapping), sent);

        var raw = KafkaClients.Consume(Api, topic, Deserializers.ByteArray, sent.Count);
        var id = await registry.LookupAsync($"{topic}-value", TaskEvent.Schema);
        Assert.All(raw, bytes =>
        {
            Assert.Equal(0, bytes[0]);
            Assert.Equal(id, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1)));
        });
        var back = KafkaClients.Consume(Api, topic, AvroSerdes.Deserializer(registry, TaskEvent.Mapping), sent.Count);
        Assert.All(sent.Zip(back), pair => Assert.True(pair.First.SameAs(pair.Second), $"{pair.First} came back as {pair.Second}"));
    }

    [Fact]
    public async Task OldRecords_AreReadAsTheNewVersion_WithItsDefaults()
    {
        const string topic = "serdes-evolution";
        using var registry = Client();
        var v1 = AvroSchema.Parse("""{"type":"record","name":"Ping","fields":[{"name":"seq","type":"int"}]}""");
        var v2 = AvroSchema.Parse("""{"type":"record","name":"Ping","fields":[{"name":"seq","type":"long"},{"name":"origin","type":"string","default":"unknown"}]}""");
        var writer = AvroSerdes.GenericSerializer(registry, v1);
        await KafkaClients.ProduceAsync<object?>(Api, topic, writer, [new GenericRecord((RecordSchema)v1) { ["seq"] = 7 }]);
        var v2Writer = AvroSerdes.GenericSerializer(registry, v2); // a BACKWARD-compatible new version
        await KafkaClients.ProduceAsync<object?>(Api, topic, v2Writer, [new GenericRecord((RecordSchema)v2) { ["seq"] = 8L, ["origin"] = "cs" }]);

        var records = KafkaClients.Consume(Api, topic, AvroSerdes.GenericDeserializer(registry, v2), 2).Cast<GenericRecord>().ToList();
        Assert.Equal((7L, "unknown"), (records[0]["seq"], records[0]["origin"]));
        Assert.Equal((8L, "cs"), (records[1]["seq"], records[1]["origin"]));
        Assert.Equal(2, (await registry.GetLatestAsync($"{topic}-value")).Version);
    }

    [Fact]
    public async Task NotTheWireFormat_IsAConsumeErrorNamingTheProblem()
    {
        const string topic = "serdes-garbage";
        using (var producer = new ProducerBuilder<Null, byte[]>(KafkaClients.ProducerConfig(Api)).Build())
            await producer.ProduceAsync(topic, new Message<Null, byte[]> { Value = [1, 2, 3, 4, 5, 6] });
        using var registry = Client();
        LibrdkafkaCompat.EnsureInstalled();
        using var consumer = new ConsumerBuilder<Ignore, object?>(KafkaClients.ConsumerConfig(Api)).SetValueDeserializer(AvroSerdes.GenericDeserializer(registry)).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var error = Assert.Throws<ConsumeException>(() => consumer.Consume(TimeSpan.FromSeconds(30)));
        Assert.Equal(ErrorCode.Local_ValueDeserialization, error.Error.Code);
        Assert.IsType<AvroFramingException>(error.InnerException);
    }
}
