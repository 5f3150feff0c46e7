using System.Globalization;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Kernel.V1;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Google.Protobuf.Reflection;
using Attribute = Bridge.Kernel.V1.Attribute;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Eventing.KernelEvents.Internal;

/// <summary>
/// Conversions from the kernel's wire values to the generic Avro datum model. None throws on odd
/// input (an unknown enum number, a NaN time): a publisher must not stop on one strange event, so
/// what cannot be represented becomes null or the schema's "unknown" symbol.
/// </summary>
internal static class WireValues
{
    // timestamp-millis decodes to DateTime, which ends at 9999-12-31T23:59:59.999Z.
    private static readonly double MinMillis = (DateTime.MinValue - DateTime.UnixEpoch).TotalMilliseconds;
    private static readonly double MaxMillis = Math.Floor((DateTime.MaxValue - DateTime.UnixEpoch).TotalMilliseconds);
    private static readonly EnumDescriptor Reasons = TaskStatus.Descriptor.EnumTypes.Single(e => e.Name == "Reason");

    /// <summary>Seconds since the Unix epoch (the kernel's times) as a UTC DateTime rounded to the
    /// millisecond; null for 0 (unset), NaN, infinities and times outside DateTime's range.</summary>
    public static DateTime? Time(double seconds)
    {
        if (seconds == 0 || !double.IsFinite(seconds)) return null;
        var millis = Math.Round(seconds * 1000);
        if (millis < MinMillis || millis > MaxMillis) return null;
        return DateTime.UnixEpoch.AddTicks((long)millis * TimeSpan.TicksPerMillisecond);
    }

    /// <summary><paramref name="text"/>, or null when it is null or empty (proto3 has no absent strings).</summary>
    public static string? Text(string? text) => string.IsNullOrEmpty(text) ? null : text;

    /// <summary>Sets cpus, mem_mb, disk_mb and gpus of <paramref name="record"/> to the sums of those
    /// scalar resources (reserved and unreserved parts are separate entries; a missing one is 0).</summary>
    public static void SetResources(GenericRecord record, RepeatedField<Resource> resources)
    {
        record["cpus"] = Scalar(resources, "cpus");
        record["mem_mb"] = Scalar(resources, "mem");
        record["disk_mb"] = Scalar(resources, "disk");
        record["gpus"] = Scalar(resources, "gpus");
    }

    private static double Scalar(RepeatedField<Resource> resources, string name)
    {
        var sum = 0.0;
        foreach (var r in resources)
            if (r.Name == name && r.Type == Value.Types.Type.Scalar && r.Scalar is { } s) sum += s.Value;
        return sum;
    }

    /// <summary>Attributes as text in the agent's <c>--attributes</c> syntax: <c>2.5</c>,
    /// <c>[1-5, 8-9]</c>, <c>{a,b}</c>, text as is. A repeated name keeps its last value.</summary>
    public static Dictionary<string, object?> Attributes(RepeatedField<Attribute> attributes)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var a in attributes)
            map[a.Name] = a.Type switch
            {
                Value.Types.Type.Scalar => (a.Scalar?.Value ?? 0).ToString("R", CultureInfo.InvariantCulture),
                Value.Types.Type.Ranges => "[" + string.Join(", ", (a.Ranges?.Range ?? []).Select(r => $"{r.Begin}-{r.End}")) + "]",
                Value.Types.Type.Set => "{" + string.Join(",", a.Set?.Item ?? []) + "}",
                _ => a.Text?.Value ?? "",
            };
        return map;
    }

    /// <summary>A 16-byte status uuid as a Guid; null when empty or not 16 bytes.</summary>
    public static Guid? Uuid(ByteString uuid) => uuid.Length == 16 ? new Guid(uuid.Span) : null;

    /// <summary>Mesos' name of a reason (<c>REASON_AGENT_REMOVED</c>), or its number as text when this build does not know it.</summary>
    public static string ReasonName(TaskStatus.Types.Reason reason) =>
        Reasons.FindValueByNumber((int)reason)?.Name ?? ((int)reason).ToString(CultureInfo.InvariantCulture);

    /// <summary>The value <paramref name="symbol"/> of the enum at <paramref name="schema"/> (an enum, or
    /// a union with one enum branch), or <paramref name="fallback"/> when the enum has no such symbol.</summary>
    public static GenericEnum Symbol(AvroSchema schema, string symbol, string fallback)
    {
        var e = schema as EnumSchema ?? ((UnionSchema)schema).Branches.OfType<EnumSchema>().Single();
        return new GenericEnum(e, e.IndexOf(symbol) >= 0 ? symbol : fallback);
    }
}
