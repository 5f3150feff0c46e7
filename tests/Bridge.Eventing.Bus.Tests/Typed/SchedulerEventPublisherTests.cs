using System.Text.Json;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Client;
using Bridge.Eventing.Schemas.Serdes;
using Bridge.Eventing.V1;
using Bridge.Schedulers.Events;
using Bridge.Schedulers.Jobs.Runs;
using Bridge.Schedulers.Services.Scheduling;
using Bridge.Testing;
using Bridge.Yarn.Scheduling;
using Microsoft.Extensions.Logging;

namespace Bridge.Eventing.Bus.Tests.Typed;

/// <summary>
/// <see cref="SchedulerEventPublisher"/> on the typed path: the schedulers' events reach their topic
/// keyed by app or job, in order per key, framed with the topic's registered schema; an event that
/// does not fit is logged and skipped and the stream goes on.
/// </summary>
[Collection(RegistryBusCollection.Name)]
public sealed class SchedulerEventPublisherTests(RegistryBusFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public async Task RunAsync_ServiceEvents_ArePublishedKeyedByApp_InOrderPerApp_AndAMisfitIsLoggedAndSkipped()
    {
        // Two partitions, so that order is only promised per key: each app's events in one partition, in order.
        await fixture.Harness.CreateTopicAsync(SchedulerEventTopics.Services, partitions: 2);
        using var bus = fixture.Harness.Client();
        var log = new Recorder<SchedulerEventPublisher>();
        using var definition = JsonDocument.Parse("""{"id": "/api", "cmd": "sleep 1", "instances": 1}""");
        ServiceEvent[] events =
        [
            Service("api_post_event", 0, ("clientIp", "127.0.0.1"), ("uri", "/v2/apps"), ("appDefinition", definition.RootElement.Clone())),
            Service("deployment_info", 1, ("id", "d-1"), ("appId", "/web"), ("steps", new List<string> { "start" }), ("currentStep", 1)),
            Status("/web", "web.1", "TASK_STAGING", 2),
            Status("/api", "api.1", "TASK_STAGING", 3),
            Service("status_update_event", 4, ("appId", 42), ("taskId", "bad.1")), // appId is not text: does not fit
            Status("/web", "web.1", "TASK_RUNNING", 5),
            Service("health_status_changed_event", 6, ("appId", "/web"), ("taskId", "web.1"), ("version", "2026-03-01T12:00:00.000Z"), ("alive", true)),
            Status("/api", "api.1", "TASK_FAILED", 7),
            Service("unknown_instance_terminated_event", 8, ("taskId", "ghost.1")),
        ];

        // The events end, so RunAsync returns once the publisher has its acknowledgements.
        await new SchedulerEventPublisher(bus, fixture.Registry, log).RunAsync(events.ToAsyncEnumerable(), CancellationToken.None);

        var published = events.Where(e => e.Fields.GetValueOrDefault("appId") is not int).ToList();
        var registered = await fixture.Registry.GetLatestAsync(SchedulerEventTopics.Subject(SchedulerEventTopics.Services));
        var read = await TypedEventsTests.TakeAsync(bus.ConsumeAsync<string, object?>(SchedulerEventTopics.Services, AvroSerdes.GenericDeserializer(fixture.Registry),
            options: new ConsumeOptions { Start = StartPosition.Earliest }), published.Count);
        Assert.All(read, e => Assert.Equal(registered.Id, e.SchemaId));
        var values = read.Select(e => (GenericRecord)e.Value!).ToList();
        // Each key's events, in the order they happened (the partition's offset order).
        foreach (var key in new[] { "/web", "/api", "ghost.1" })
        {
            var expected = published.Select(SchedulerEventRecords.FromService).Where(r => r.Record!.Key == key).Select(r => (GenericRecord)r.Record!.Value!);
            var partitions = read.Where(e => e.Key == key).Select(e => e.Partition).Distinct();
            Assert.Single(partitions);
            Assert.Equal(expected, read.Where(e => e.Key == key).OrderBy(e => e.Offset).Select(e => (GenericRecord)e.Value!));
        }
        var running = Assert.Single(values, v => (string?)v["state"] == "TASK_RUNNING");
        Assert.Equal(("status_update_event", "/web", "web.1", "agent-1", "host-1"),
            ((string)running["event_type"]!, (string?)running["app_id"], (string?)running["task_id"], (string?)running["agent_id"], (string?)running["host"]));
        Assert.Equal(T0.AddSeconds(5).UtcDateTime, running["timestamp"]);
        var json = JsonDocument.Parse((string)running["json"]!).RootElement;
        Assert.Equal(("status_update_event", "2026-03-01T12:00:05.123Z", "TASK_RUNNING"),
            (json.GetProperty("eventType").GetString(), json.GetProperty("timestamp").GetString(), json.GetProperty("taskStatus").GetString()));
        var post = Assert.Single(values, v => (string)v["event_type"]! == "api_post_event");
        Assert.Equal("/api", post["app_id"]);
        Assert.Equal("sleep 1", JsonDocument.Parse((string)post["json"]!).RootElement.GetProperty("appDefinition").GetProperty("cmd").GetString());
        Assert.Equal(true, Assert.Single(values, v => (string)v["event_type"]! == "health_status_changed_event")["healthy"]);
        Assert.Equal("d-1", Assert.Single(values, v => (string)v["event_type"]! == "deployment_info")["deployment_id"]);
        var misfit = Assert.Single(log.Lines);
        Assert.Contains("status_update_event: field appId is Int32 '42', not text", misfit);
    }

    [Fact]
    public async Task RunAsync_JobEvents_ArePublishedKeyedByJob_WithRunColumns_AndDecodeInPythonAvro()
    {
        await fixture.Harness.CreateTopicAsync(SchedulerEventTopics.Jobs);
        using var bus = fixture.Harness.Client();
        var log = new Recorder<SchedulerEventPublisher>();
        JobEvent[] events =
        [
            Job("job_created", 0, ("jobName", "nightly")),
            Run("job_run_started", 1, "QUEUED", exitCode: null),
            Job("job_run_update", 2, ("jobName", "nightly"), ("run", 1L), ("double", double.NaN)), // NaN has no JSON: does not fit
            Run("job_run_failed", 3, "FAILED", exitCode: 2),
        ];

        await new SchedulerEventPublisher(bus, fixture.Registry, log).RunAsync(events.ToAsyncEnumerable(), CancellationToken.None);

        var raw = await TypedEventsTests.TakeAsync(bus.ConsumeAsync(SchedulerEventTopics.Jobs, new ConsumeOptions { Start = StartPosition.Earliest }), 3);
        Assert.All(raw, r => Assert.Equal("nightly", System.Text.Encoding.UTF8.GetString(r.Key!)));
        var read = new List<GenericRecord>();
        var deserializer = AvroSerdes.GenericDeserializer(fixture.Registry);
        foreach (var r in raw)
            read.Add((GenericRecord)(await deserializer.DeserializeAsync(r.Value, false, new Confluent.Kafka.SerializationContext(Confluent.Kafka.MessageComponentType.Value, r.Topic)))!);
        Assert.Equal(new[] { events[0], events[1], events[3] }.Select(e => (GenericRecord)SchedulerEventRecords.FromJob(e).Record!.Value!), read);
        var failed = read[2];
        Assert.Equal((7L, 2, 2, "FAILED", "agent-1", "host-1"),
            ((long)failed["run"]!, (int)failed["attempt"]!, (int)failed["exit_code"]!, (string)failed["state"]!, (string)failed["agent_id"]!, (string)failed["host"]!));
        Assert.Equal(new DateTime(2026, 3, 1, 11, 0, 0, DateTimeKind.Utc), failed["due_at"]);
        Assert.Contains("job_run_update: its fields cannot be written as JSON", Assert.Single(log.Lines));

        // The same bytes, read by an Avro implementation nobody here wrote.
        var decoded = await PythonAvroAsync(raw.Select(r => r.Value));
        Assert.Equal(["job_created", "job_run_started", "job_run_failed"], decoded.Select(d => d.GetProperty("event_type").GetString()));
        Assert.Equal(T0.AddSeconds(3).ToUnixTimeMilliseconds(), decoded[2].GetProperty("timestamp").GetInt64());
        Assert.Equal(2, decoded[2].GetProperty("exit_code").GetInt32());
        Assert.Equal(JsonValueKind.Null, decoded[0].GetProperty("task_id").ValueKind);
    }

    [Fact]
    public async Task RunAsync_YarnBridgeEvents_ArePublishedKeyedByNodeManager_WithSubjectAndMessage()
    {
        await fixture.Harness.CreateTopicAsync(SchedulerEventTopics.Yarn);
        using var bus = fixture.Harness.Client();
        BridgeEvent[] events =
        [
            new("flexup", T0, "initial: 1 'zero' NodeManager(s) pending", "zero"),
            new("nodemanager_running", T0.AddSeconds(1), "NodeManager nm.zero.1 runs on agent-1 as 127.0.0.1:31000", "nm.zero.1"),
            new("placeholder_launched", T0.AddSeconds(2), "container_1_0001_01_000002 (<memory:1024, vCores:1>) on agent-1 from offer o-1", "nm.zero.1"),
        ];

        await new SchedulerEventPublisher(bus, fixture.Registry, new Recorder<SchedulerEventPublisher>()).RunAsync(events.ToAsyncEnumerable(), CancellationToken.None);

        var raw = await TypedEventsTests.TakeAsync(bus.ConsumeAsync(SchedulerEventTopics.Yarn, new ConsumeOptions { Start = StartPosition.Earliest }), 3);
        Assert.Equal(["zero", "nm.zero.1", "nm.zero.1"], raw.Select(r => System.Text.Encoding.UTF8.GetString(r.Key!)));
        var deserializer = AvroSerdes.GenericDeserializer(fixture.Registry);
        var last = (GenericRecord)(await deserializer.DeserializeAsync(raw[2].Value, false, new Confluent.Kafka.SerializationContext(Confluent.Kafka.MessageComponentType.Value, raw[2].Topic)))!;
        Assert.Equal(("placeholder_launched", "nm.zero.1"), ((string)last["event_type"]!, (string)last["subject"]!));
        Assert.StartsWith("container_1_0001_01_000002", (string)last["message"]!);
        Assert.Equal(SchedulerEventRecords.FromYarn(events[2]).Record!.Value, last);
    }

    /// <summary>Decodes Confluent-framed values with python3-avro and the embedded schema; one JSON object per value.</summary>
    private static async Task<List<JsonElement>> PythonAvroAsync(IEnumerable<byte[]> values)
    {
        var schema = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(schema, SchedulerEventSchemas.JobEvent.ToString());
            const string script = """
                import io, json, struct, sys, avro.io, avro.schema
                schema = avro.schema.parse(open(sys.argv[1]).read())
                reader = avro.io.DatumReader(schema)
                for line in sys.stdin:
                    raw = bytes.fromhex(line.strip())
                    assert raw[0] == 0, "magic byte"
                    datum = reader.read(avro.io.BinaryDecoder(io.BytesIO(raw[5:])))
                    print(json.dumps({k: (int(v.timestamp() * 1000) if hasattr(v, "timestamp") else v) for k, v in datum.items()}))
                """;
            using var python = ChildProcess.Start("/usr/bin/python3", ["-c", script, schema], string.Concat(values.Select(v => Convert.ToHexString(v) + "\n")));
            Assert.True(await python.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"python did not finish:\n{python.Stderr}");
            Assert.True(python.ExitCode == 0, python.Stderr);
            return python.Lines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        }
        finally
        {
            File.Delete(schema);
        }
    }

    private static ServiceEvent Status(string app, string task, string state, int second) =>
        Service("status_update_event", second, ("taskId", task), ("appId", app), ("taskStatus", state), ("slaveId", "agent-1"), ("host", "host-1"),
            ("ports", new List<int> { 31000 }), ("version", "2026-03-01T12:00:00.000Z"), ("message", null));

    private static ServiceEvent Service(string type, int second, params (string Name, object? Value)[] fields) =>
        new(type, T0.AddSeconds(second), fields.ToDictionary(f => f.Name, f => f.Value));

    private static JobEvent Run(string type, int second, string state, int? exitCode)
    {
        var fields = new Dictionary<string, object?>
        {
            ["jobName"] = "nightly", ["run"] = 7L, ["attempt"] = 2, ["taskId"] = "nightly-7-2", ["state"] = state,
            ["dueAt"] = "2026-03-01T11:00:00.000Z", ["message"] = null, ["agentId"] = "agent-1", ["host"] = "host-1",
        };
        if (exitCode is { } code) fields["exitCode"] = code;
        return new JobEvent(type, T0.AddSeconds(second), fields);
    }

    private static JobEvent Job(string type, int second, params (string Name, object? Value)[] fields) =>
        new(type, T0.AddSeconds(second), fields.ToDictionary(f => f.Name, f => f.Value));

    /// <summary>Keeps every formatted message.</summary>
    private sealed class Recorder<T> : ILogger<T>
    {
        private readonly List<string> _lines = [];

        public List<string> Lines { get { lock (_lines) return [.. _lines]; } }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines) _lines.Add(formatter(state, exception));
        }
    }
}
