using Bridge.Eventing.Kafka;
using Confluent.Kafka;

namespace Bridge.Eventing.Schemas.Tests.Infrastructure;

/// <summary>Confluent.Kafka producers and consumers on a harness's broker, for the serdes tests: produce to partition 0, read partition 0 from the beginning.</summary>
internal static class KafkaClients
{
    public static ProducerConfig ProducerConfig(RegistryHarness api) => new() { BootstrapServers = api.Broker!.BootstrapServers, EnableIdempotence = false, Acks = Acks.All };

    public static ConsumerConfig ConsumerConfig(RegistryHarness api) => new() { BootstrapServers = api.Broker!.BootstrapServers, GroupId = "serdes-tests", EnableAutoCommit = false };

    public static async Task ProduceAsync<T>(RegistryHarness api, string topic, IAsyncSerializer<T> serializer, IEnumerable<T> values)
    {
        using var producer = new ProducerBuilder<Null, T>(ProducerConfig(api)).SetValueSerializer(serializer).Build();
        foreach (var value in values)
            await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<Null, T> { Value = value });
    }

    public static List<T> Consume<T>(RegistryHarness api, string topic, IDeserializer<T> deserializer, int count)
    {
        LibrdkafkaCompat.EnsureInstalled();
        using var consumer = new ConsumerBuilder<Ignore, T>(ConsumerConfig(api)).SetValueDeserializer(deserializer).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var values = new List<T>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (values.Count < count && DateTime.UtcNow < deadline)
            if (consumer.Consume(TimeSpan.FromSeconds(1)) is { } result) values.Add(result.Message.Value);
        Assert.Equal(count, values.Count);
        return values;
    }
}
