using System.Buffers;
using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Eventing.Avro.Binary;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Framing;
using Bridge.Eventing.Avro.Json;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Client;
using Bridge.Eventing.Schemas.Client;
using Bridge.Eventing.V1;

namespace Bridge.Host;

/// <summary>
/// <c>bridge events tail|publish</c>: the bus for humans. <c>tail</c> prints a topic's records as JSON
/// lines (the Avro value decoded with its writer's schema from the registry, in Avro's JSON encoding
/// without union wrappers); <c>publish</c> reads JSON lines on stdin, encodes each with a schema file
/// registered under <c>TOPIC-value</c>, and publishes them, printing where each landed.
/// </summary>
internal static class EventsCommand
{
    public static Command Create()
    {
        var events = new Command("events", "Read and write the event bus's topics as JSON lines.");
        events.Subcommands.Add(Tail());
        events.Subcommands.Add(Publish());
        return events;
    }

    private static Option<string> BusOption() => new("--bus")
    {
        Description = "The bus's API tier.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_BUS") ?? $"http://127.0.0.1:{UpCommand.EnvironmentInt("BRIDGE_BUS_PORT", 7070)}",
    };

    private static Option<string> RegistryOption() => new("--registry")
    {
        Description = "The schema registry.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_REGISTRY") ?? $"http://127.0.0.1:{UpCommand.EnvironmentInt("BRIDGE_REGISTRY_PORT", 8081)}",
    };

    private static Option<string> TopicOption() => new("--topic") { Description = "The topic.", Required = true };

    private static Option<string?> TokenOption() => new("--token")
    {
        Description = "OAuth2 bearer token (JWT) for topics that need one.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_BUS_TOKEN"),
    };

    private static Command Tail()
    {
        var topic = TopicOption();
        var bus = BusOption();
        var registry = RegistryOption();
        var token = TokenOption();
        var beginning = new Option<bool>("--from-beginning") { Description = "Start at the oldest record instead of the newest." };
        var count = new Option<int?>("--count") { Description = "Stop after this many records (default: run until interrupted)." };
        var command = new Command("tail", "Print a topic's records as JSON lines, as they arrive.") { topic, bus, registry, token, beginning, count };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = Client(parse.GetValue(bus)!, parse.GetValue(token));
            var schemas = new SchemaRegistryClient(new Uri(parse.GetValue(registry)!)); // caches schemas by id
            var json = new AvroJsonWriter(new AvroJsonOptions { UnionMode = JsonUnionMode.Untagged });
            var left = parse.GetValue(count);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
            try
            {
                var options = new ConsumeOptions { Start = parse.GetValue(beginning) ? StartPosition.Earliest : StartPosition.Latest };
                await foreach (var record in client.ConsumeAsync(parse.GetValue(topic)!, options, stop.Token))
                {
                    Console.WriteLine(await FormatAsync(record, schemas, json, stop.Token));
                    if (left is { } n && --left <= 0) break;
                }
                return 0;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return 0;
            }
            catch (BusException e)
            {
                Console.Error.WriteLine($"bridge events tail: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command Publish()
    {
        var topic = TopicOption();
        var schema = new Option<string>("--schema") { Description = "The Avro schema file (.avsc) of the records; registered under TOPIC-value.", Required = true };
        var key = new Option<string?>("--key-field") { Description = "A top-level field whose value is the record's key (default: no key)." };
        var bus = BusOption();
        var registry = RegistryOption();
        var token = TokenOption();
        var command = new Command("publish", "Publish JSON lines from stdin (Avro's JSON encoding, union wrappers optional), one record each.")
            { topic, schema, key, bus, registry, token };
        command.SetAction(async (parse, cancellationToken) =>
        {
            AvroSchema avro;
            try
            {
                avro = AvroSchema.Parse(await File.ReadAllTextAsync(parse.GetValue(schema)!, cancellationToken));
            }
            catch (Exception e) when (e is IOException or AvroSchemaException)
            {
                Console.Error.WriteLine($"bridge events publish: {parse.GetValue(schema)}: {e.Message}");
                return 2;
            }
            var name = parse.GetValue(topic)!;
            using var client = Client(parse.GetValue(bus)!, parse.GetValue(token));
            int id;
            try
            {
                id = await new SchemaRegistryClient(new Uri(parse.GetValue(registry)!)).RegisterAsync(name + "-value", avro, cancellationToken);
            }
            catch (Exception e) when (e is SchemaRegistryException or HttpRequestException)
            {
                Console.Error.WriteLine($"bridge events publish: registering the schema under {name}-value: {e.Message}");
                return 1;
            }
            var reader = new AvroJsonReader(new AvroJsonOptions { UnionMode = JsonUnionMode.Untagged });
            var writer = new DatumWriter(avro);
            var failed = 0;
            await using (var publisher = client.CreatePublisher(name))
            {
                var pending = new List<(int Line, Task<PublishResult> Ack)>();
                var number = 0;
                while (await Console.In.ReadLineAsync(cancellationToken) is { } line)
                {
                    number++;
                    if (string.IsNullOrWhiteSpace(line)) continue;
                    try
                    {
                        var datum = reader.Read(avro, line);
                        var buffer = new ArrayBufferWriter<byte>();
                        ConfluentFraming.WriteHeader(buffer, id);
                        writer.Write(datum, buffer);
                        var recordKey = parse.GetValue(key) is { } field ? KeyOf(line, field) : null;
                        pending.Add((number, await publisher.SendAsync(new OutgoingRecord(recordKey, buffer.WrittenSpan.ToArray()), cancellationToken)));
                    }
                    catch (Exception e) when (e is AvroJsonException or AvroEncodeException or FormatException)
                    {
                        Console.Error.WriteLine($"line {number}: {e.Message}");
                        failed++;
                    }
                }
                foreach (var (line, ack) in pending)
                {
                    try
                    {
                        var result = await ack;
                        Console.WriteLine(result.Spilled ? $"line {line}: spilled (published when its node restarts)" : $"line {line}: partition {result.Partition} offset {result.Offset}");
                    }
                    catch (BusException e)
                    {
                        Console.Error.WriteLine($"line {line}: {e.Message}");
                        failed++;
                    }
                }
            }
            return failed == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>JSON lines as people read them: '+' and non-ASCII text unescaped (the output is not embedded in HTML).</summary>
    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static BusClient Client(string address, string? token) => new(new Uri(address), new BusClientOptions
    {
        BearerToken = token is null ? null : _ => ValueTask.FromResult<string?>(token),
    });

    /// <summary>One JSON line: where the record is, its key, schema id and value.</summary>
    private static async Task<string> FormatAsync(BusRecord record, SchemaRegistryClient schemas, AvroJsonWriter json, CancellationToken cancellationToken)
    {
        var line = new JsonObject
        {
            ["topic"] = record.Topic,
            ["partition"] = record.Partition,
            ["offset"] = record.Offset,
            ["timestamp"] = record.Timestamp.ToString("O"),
            ["key"] = record.Key is null ? null : Encoding.UTF8.GetString(record.Key),
            ["schema_id"] = record.SchemaId,
        };
        try
        {
            var schema = await schemas.GetSchemaAsync(record.SchemaId, cancellationToken);
            ConfluentFraming.ReadHeader(record.Value, out var body);
            line["value"] = JsonNode.Parse(json.Write(schema, new DatumReader(schema).Read(body)));
        }
        catch (Exception e) when (e is SchemaRegistryException or HttpRequestException or AvroDecodeException or FormatException or AvroResolutionException)
        {
            line["error"] = e.Message;
            line["value_base64"] = Convert.ToBase64String(record.Value);
        }
        return line.ToJsonString(Compact);
    }

    private static byte[]? KeyOf(string line, string field)
    {
        using var document = JsonDocument.Parse(line);
        if (!document.RootElement.TryGetProperty(field, out var value)) throw new FormatException($"no field '{field}' for the key");
        return Encoding.UTF8.GetBytes(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText());
    }
}
