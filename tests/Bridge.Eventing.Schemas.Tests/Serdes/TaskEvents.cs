using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Mapping;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Schemas.Tests.Serdes;

/// <summary>A task event as a C# record, its schema (examples/schemas/task-event.avsc, the Avro benchmark's too), a mapping, and record(i) as the python peer builds it.</summary>
public sealed record TaskEvent(string Id, DateTime At, string Source, string Kind, double Cpus, long MemMb, int Attempt, bool Healthy, string? Host, IReadOnlyDictionary<string, string> Labels)
{
    public static readonly string[] Kinds = ["STAGING", "RUNNING", "FINISHED", "FAILED", "KILLED", "LOST"];

    /// <summary>examples/schemas/task-event.avsc (embedded), the Avro benchmark's record too.</summary>
    public static readonly string SchemaJson = new StreamReader(
        typeof(TaskEvent).Assembly.GetManifestResourceStream("task-event.avsc") ?? throw new InvalidOperationException("task-event.avsc is not embedded")).ReadToEnd();

    public static readonly AvroSchema Schema = AvroSchema.Parse(SchemaJson);

    public static readonly AvroMapping<TaskEvent> Mapping = AvroMapping.For<TaskEvent>(Schema)
        .Field("id", e => e.Id)
        .Field("at", e => e.At)
        .Field("source", e => e.Source)
        .Field("kind", e => e.Kind)
        .Field("cpus", e => e.Cpus)
        .Field("memMb", e => e.MemMb)
        .Field("attempt", e => e.Attempt)
        .Field("healthy", e => e.Healthy)
        .Field("host", e => e.Host)
        .Field("labels", e => e.Labels.ToDictionary(p => p.Key, p => (object?)p.Value))
        .Build(FromRecord);

    public static TaskEvent FromRecord(GenericRecord r) => new(
        r.Get<string>("id"), r.Get<DateTime>("at"), r.Get<string>("source"), r.Get<GenericEnum>("kind").Symbol,
        r.Get<double>("cpus"), r.Get<long>("memMb"), r.Get<int>("attempt"), r.Get<bool>("healthy"), (string?)r["host"],
        r.Get<Dictionary<string, object?>>("labels").ToDictionary(p => p.Key, p => (string)p.Value!));

    /// <summary>record(i) of tests/interop/serdes/confluent_avro_peer.py, with the id prefix given.</summary>
    public static TaskEvent Make(int i, string prefix) => new(
        $"{prefix}-task-{i}", new DateTime(2026, 11, 22, 0, 0, 0, DateTimeKind.Utc).AddMilliseconds(137L * i),
        $"agent-{i % 20}.pool.local", Kinds[i % 6], 0.25 * (1 + i % 8), 128L << (i % 6), i % 3, i % 7 != 0,
        i % 4 == 0 ? null : $"host-{i % 50}", new Dictionary<string, string> { ["framework"] = "services", ["app"] = $"/web/app-{i % 10}" });

    public bool SameAs(TaskEvent other) =>
        (Id, At, Source, Kind, Cpus, MemMb, Attempt, Healthy, Host) == (other.Id, other.At, other.Source, other.Kind, other.Cpus, other.MemMb, other.Attempt, other.Healthy, other.Host)
        && Labels.Count == other.Labels.Count && Labels.All(p => other.Labels.TryGetValue(p.Key, out var v) && v == p.Value);
}
