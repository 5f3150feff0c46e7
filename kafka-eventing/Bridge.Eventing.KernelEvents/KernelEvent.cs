using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.KernelEvents;

/// <summary>
/// One record ready for the bus: where it goes, its key, and its Avro value with the schema to
/// encode it with (Confluent wire format: register <see cref="Schema"/> under
/// <see cref="KernelEventTopics.Subject"/> of <see cref="Topic"/>, then frame the body).
/// Equality is structural (the value compares with <see cref="DatumEquality"/>).
/// </summary>
/// <param name="Topic">One of <see cref="KernelEventTopics"/> (e.g. <c>bridge.tasks</c>).</param>
/// <param name="Key">The entity the event is about, so that one entity's events keep their order in
/// one partition: <c>framework_id/task_id</c> for tasks (task ids are unique only within a
/// framework; ids never contain '/'), the agent id, the framework id, or <c>master</c> for offer
/// summaries.</param>
/// <param name="Schema">The value's schema, one of <see cref="KernelEventSchemas"/>.</param>
/// <param name="Value">The record, in the generic datum model.</param>
public sealed record KernelEvent(string Topic, string Key, AvroSchema Schema, GenericRecord Value);
