using System.Text.Json;
using Bridge.Eventing.Schemas.Client;
using Bridge.Eventing.Schemas.Serdes;
using Bridge.Eventing.Schemas.Tests.Infrastructure;
using Bridge.Testing;

namespace Bridge.Eventing.Schemas.Tests.Serdes;

/// <summary>
/// Confluent-framed Avro records across an independent stack: Debian's python3-confluent-kafka
/// 1.7.0 (librdkafka) with its legacy <c>confluent_kafka.avro</c> AvroProducer and AvroConsumer,
/// which encode and decode with python3-avro and talk to our registry with
/// CachedSchemaRegistryClient (tests/interop/serdes/confluent_avro_peer.py). Records python
/// produces decode with our deserializer, and records our serializer produces decode in python.
/// </summary>
[Trait("Category", "Interop")]
public class ConfluentPythonSerdesInteropTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private const int Count = 40;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "interop", "serdes", "confluent_avro_peer.py");

    private RegistryHarness Api => fixture.Harness;

    [Fact]
    public async Task RecordsProducedByPython_DecodeWithOurDeserializer()
    {
        const string topic = "py-to-cs";
        var schemaFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(schemaFile, TaskEvent.SchemaJson);
            using var python = ChildProcess.Start("/usr/bin/python3",
                [Script, "produce", Api.Broker!.BootstrapServers, Api.Registry!.Address.ToString().TrimEnd('/'), topic, schemaFile, Count.ToString()]);
            Assert.True(await python.WaitForExitAsync(Timeout), $"python did not finish:\n{python.Stdout}\n{python.Stderr}");
            Assert.Contains($"produced {Count}", python.Stdout);
        }
        finally
        {
            File.Delete(schemaFile);
        }

        using var registry = new SchemaRegistryClient(Api.Registry!.Address);
        var events = KafkaClients.Consume(Api, topic, AvroSerdes.Deserializer(registry, TaskEvent.Mapping), Count);
        for (var i = 0; i < Count; i++)
            Assert.True(TaskEvent.Make(i, "py").SameAs(events[i]), $"record {i}: {events[i]}");
        // python registered the schema it parsed; our client finds the same id for ours.
        Assert.True(await registry.LookupAsync($"{topic}-value", TaskEvent.Schema) > 0);
    }

    [Fact]
    public async Task RecordsProducedByOurSerializer_DecodeInPython()
    {
        const string topic = "cs-to-py";
        using var registry = new SchemaRegistryClient(Api.Registry!.Address);
        var sent = Enumerable.Range(0, Count).Select(i => TaskEvent.Make(i, "cs")).ToList();
        await KafkaClients.ProduceAsync(Api, topic, AvroSerdes.Serializer(registry, TaskEvent.Mapping), sent);

        using var python = ChildProcess.Start("/usr/bin/python3",
            [Script, "consume", Api.Broker!.BootstrapServers, Api.Registry!.Address.ToString().TrimEnd('/'), topic, Count.ToString()]);
        Assert.True(await python.WaitForExitAsync(Timeout), $"python did not finish:\n{python.Stdout}\n{python.Stderr}");
        var lines = python.Lines.Where(l => l.StartsWith('{')).ToList();
        Assert.True(lines.Count == Count, $"python read {lines.Count} records:\n{python.Stdout}\n{python.Stderr}");
        for (var i = 0; i < Count; i++)
        {
            var json = JsonDocument.Parse(lines[i]).RootElement;
            var expected = sent[i];
            Assert.Equal(expected.Id, json.GetProperty("id").GetString());
            Assert.Equal(new DateTimeOffset(expected.At).ToUnixTimeMilliseconds(), json.GetProperty("at").GetInt64());
            Assert.Equal(expected.Source, json.GetProperty("source").GetString());
            Assert.Equal(expected.Kind, json.GetProperty("kind").GetString());
            Assert.Equal(expected.Cpus, json.GetProperty("cpus").GetDouble());
            Assert.Equal(expected.MemMb, json.GetProperty("memMb").GetInt64());
            Assert.Equal(expected.Attempt, json.GetProperty("attempt").GetInt32());
            Assert.Equal(expected.Healthy, json.GetProperty("healthy").GetBoolean());
            Assert.Equal(expected.Host, json.GetProperty("host").ValueKind == JsonValueKind.Null ? null : json.GetProperty("host").GetString());
            Assert.Equal(expected.Labels, json.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!));
        }
    }
}
