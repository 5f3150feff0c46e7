using System.Buffers.Binary;
using System.Text;
using Bridge.Eventing.Avro.Mapping;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Client;
using Bridge.Eventing.Schemas.Serdes;
using Bridge.Eventing.V1;
using Confluent.Kafka;

namespace Bridge.Eventing.Bus.Tests.Typed;

/// <summary>
/// The SDK's typed publisher and consumer over a real bus and schema registry: a C# record type
/// mapped with <see cref="AvroMapping{T}"/> goes through the registry's Avro serializer and
/// deserializer, and a record the consumer's reader schema cannot read stops it, named, without
/// acknowledging past it.
/// </summary>
[Collection(RegistryBusCollection.Name)]
public sealed class TypedEventsTests(RegistryBusFixture fixture)
{
    private sealed record Order(string Id, long AmountCents, string? Note, DateTime PlacedAt);

    private static readonly AvroMapping<Order> Orders = AvroMapping.For<Order>(AvroSchema.Parse("""
        {"type": "record", "name": "Order", "namespace": "bridge.tests", "fields": [
          {"name": "id", "type": "string"},
          {"name": "amount_cents", "type": "long"},
          {"name": "note", "type": ["null", "string"], "default": null},
          {"name": "placed_at", "type": {"type": "long", "logicalType": "timestamp-millis"}}]}
        """))
        .Field("id", o => o.Id)
        .Field("amount_cents", o => o.AmountCents)
        .Field("note", o => o.Note)
        .Field("placed_at", o => o.PlacedAt)
        .Build(r => new Order(r.Get<string>("id"), r.Get<long>("amount_cents"), (string?)r["note"], r.Get<DateTime>("placed_at")));

    private static Order Sample(int i) =>
        new($"o-{i}", 100L * i + 7, i % 3 == 0 ? null : $"note {i}", new DateTime(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc).AddMilliseconds(1_001 * i));

    [Fact]
    public async Task PublishAsync_MappedRecords_AreRegisteredFramedAndConsumedAsEqualObjects()
    {
        const string topic = "typed.orders";
        await fixture.Harness.CreateTopicAsync(topic, partitions: 2);
        using var bus = fixture.Harness.Client();
        var orders = Enumerable.Range(0, 30).Select(Sample).ToList();
        var acks = new List<Task<PublishResult>>();
        PublishResult[] results;
        var placed = new DateTimeOffset(2025, 3, 2, 0, 0, 0, TimeSpan.Zero);

        await using (var publisher = bus.CreatePublisher<string, Order>(topic, AvroSerdes.Serializer(fixture.Registry, Orders)))
        {
            for (var i = 0; i < orders.Count; i++) acks.Add(await publisher.SendAsync($"customer-{i % 5}", orders[i]));
            // Confluent's Message: headers (which serializers see and may add to) and a CreateTime timestamp go through.
            var last = new Message<string, Order> { Key = "customer-x", Value = Sample(99), Headers = new Headers { { "trace", "t-1"u8.ToArray() } }, Timestamp = new Timestamp(placed) };
            acks.Add(publisher.PublishAsync(last));
            orders.Add(Sample(99));
            results = await Task.WhenAll(acks);
        }

        var registered = await fixture.Registry.GetLatestAsync($"{topic}-value");
        Assert.Equal(Orders.Schema.ToJson(), registered.Schema.ToJson());
        var raw = fixture.Harness.ReadRaw(topic, partitions: 2, expected: orders.Count);
        Assert.Equal(orders.Count, raw.Count);
        Assert.All(raw, r =>
        {
            Assert.Equal(0, r.Message.Value![0]);
            Assert.Equal(registered.Id, BinaryPrimitives.ReadInt32BigEndian(r.Message.Value.AsSpan(1, 4)));
            Assert.StartsWith("customer-", Encoding.UTF8.GetString(r.Message.Key!));
        });

        var events = await TakeAsync(bus.ConsumeAsync<string, Order>(topic, AvroSerdes.Deserializer(fixture.Registry, Orders),
            options: new ConsumeOptions { Start = StartPosition.Earliest }), orders.Count);
        Assert.All(events, e => Assert.Equal(registered.Id, e.SchemaId));
        // Each partition gives, in offset order, exactly what was published to it, in publish order.
        for (var partition = 0; partition < 2; partition++)
            Assert.Equal(orders.Where((_, i) => results[i].Partition == partition), events.Where(e => e.Partition == partition).Select(e => e.Value));
        var marked = Assert.Single(events, e => e.Key == "customer-x");
        Assert.Equal(placed, marked.Timestamp);
        Assert.Equal("t-1"u8.ToArray(), Assert.Single(marked.Headers, h => h.Key == "trace").Value);
    }

    [Fact]
    public async Task ConsumeAsync_RecordOfAnotherSchema_ThrowsNamingTheRecord_AndItsBatchIsNotAcknowledged()
    {
        const string topic = "typed.mixed";
        await fixture.Harness.CreateTopicAsync(topic, partitions: 1);
        using var bus = fixture.Harness.Client();
        await using (var good = bus.CreatePublisher<string, Order>(topic, AvroSerdes.Serializer(fixture.Registry, Orders)))
            for (var i = 0; i < 3; i++) await good.PublishAsync("k", Sample(i));
        // A record written with another, registered, schema (under its record name, so the topic's subject keeps
        // one lineage) that Order cannot read: the bus takes it, the typed consumer must not.
        var other = AvroSchema.Parse("""{"type": "record", "name": "Other", "namespace": "bridge.tests", "fields": [{"name": "flag", "type": "boolean"}]}""");
        var otherSerializer = AvroSerdes.GenericSerializer(fixture.Registry, other, new AvroSerializerConfig { SubjectNameStrategy = SubjectNameStrategy.Record });
        await using (var odd = bus.CreatePublisher<string, object?>(topic, otherSerializer))
        {
            var record = new GenericRecord((RecordSchema)other) { ["flag"] = true };
            Assert.Equal(3, (await odd.PublishAsync("k", record)).Offset);
        }
        await using (var good = bus.CreatePublisher<string, Order>(topic, AvroSerdes.Serializer(fixture.Registry, Orders)))
            await good.PublishAsync("k", Sample(4));

        var read = new List<BusEvent<string, Order>>();
        byte[]? committed = null;
        var options = new ConsumeOptions { Start = StartPosition.Earliest, MaxRecords = 2, OnCommitted = cursor => committed = cursor };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var error = await Assert.ThrowsAsync<BusSerializationException>(async () =>
        {
            await foreach (var e in bus.ConsumeAsync<string, Order>(topic, AvroSerdes.Deserializer(fixture.Registry, Orders), options: options, cancellationToken: timeout.Token))
                read.Add(e);
        });

        Assert.Equal([Sample(0), Sample(1), Sample(2)], read.Select(e => e.Value));
        Assert.Equal((topic, 0, 3L, MessageComponentType.Value), (error.Topic, error.Record!.Partition, error.Record.Offset, error.Component));
        Assert.Contains($"{topic} partition 0 offset 3", error.Message);
        Assert.IsType<AvroResolutionException>(error.InnerException);
        // Not acknowledged past it: resuming from the last committed cursor meets the record again.
        var resumed = await TakeAsync(bus.ConsumeAsync(topic, new ConsumeOptions { Cursor = committed, Start = StartPosition.Earliest }), 1);
        Assert.InRange(resumed[0].Offset, 0, 3);
    }

    [Fact]
    public async Task SendAsync_ValueThatDoesNotFitItsSchema_ThrowsToTheCaller_AndThePublisherGoesOn()
    {
        const string topic = "typed.misfit";
        await fixture.Harness.CreateTopicAsync(topic);
        using var bus = fixture.Harness.Client();
        await using var publisher = bus.CreatePublisher<string, Order>(topic, AvroSerdes.Serializer(fixture.Registry, Orders));

        var error = await Assert.ThrowsAsync<BusSerializationException>(() => publisher.PublishAsync("k", Sample(1) with { Id = null! }));
        Assert.Equal((topic, MessageComponentType.Value, null), (error.Topic, error.Component, error.Record));
        Assert.IsType<AvroEncodeException>(error.InnerException);

        Assert.Equal(0, (await publisher.PublishAsync("k", Sample(2))).Offset);
    }

    [Fact]
    public void CreatePublisher_KeyTypeWithoutABuiltInSerializer_IsRefusedAtOnce()
    {
        using var bus = fixture.Harness.Client();
        var values = AvroSerdes.Serializer(fixture.Registry, Orders);
        var error = Assert.Throws<ArgumentException>(() => bus.CreatePublisher<Guid, Order>("typed.any", values));
        Assert.Contains("Guid", error.Message);
        Assert.Throws<ArgumentException>(() => bus.ConsumeAsync<Guid, Order>("typed.any", AvroSerdes.Deserializer(fixture.Registry, Orders)));
    }

    /// <summary>The first <paramref name="count"/> items, within 30 s.</summary>
    internal static async Task<List<T>> TakeAsync<T>(IAsyncEnumerable<T> source, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var items = new List<T>();
        await foreach (var item in source.WithCancellation(timeout.Token))
        {
            items.Add(item);
            if (items.Count == count) break;
        }
        Assert.Equal(count, items.Count);
        return items;
    }
}
