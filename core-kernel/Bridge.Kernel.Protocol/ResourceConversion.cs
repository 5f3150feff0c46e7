using Bridge.Kernel.V1;
using Google.Protobuf.Collections;

namespace Bridge.Kernel.Protocol;

/// <summary>
/// Converts between wire resources (<c>bridge.v1.Resource</c>, Mesos' shape) and the resource model
/// (<see cref="Kernel.Resources"/>), validating what arrives: names, types, finite non-negative
/// scalars (three decimal digits kept, Mesos' rule), well-formed ranges and sets, role names,
/// one reservation per resource (refinement is not modelled), volumes only on disk.
/// </summary>
public static class ResourceConversion
{
    /// <summary>Wire resources to the model.</summary>
    /// <param name="resources">The wire resources.</param>
    /// <param name="field">Path of the repeated field, for error messages.</param>
    /// <exception cref="InvalidMessageException">A resource is malformed; the message names it by index.</exception>
    public static Kernel.Resources ToModel(IEnumerable<V1.Resource> resources, string field)
    {
        var list = new List<Kernel.Resource>();
        var i = 0;
        foreach (var r in resources) list.Add(ToModel(r, $"{field}[{i++}]"));
        return Kernel.Resources.Of(list);
    }

    private static Kernel.Resource ToModel(V1.Resource r, string field)
    {
        if (string.IsNullOrWhiteSpace(r.Name)) throw new InvalidMessageException($"{field}.name", "is empty");
        var reservation = Reservation(r, field);
        Kernel.Resource result = r.Type switch
        {
            Value.Types.Type.Scalar => Kernel.Resource.OfScalar(r.Name, Scalar(r.Scalar, $"{field}.scalar"), reservation),
            Value.Types.Type.Ranges => Kernel.Resource.OfRanges(r.Name, Ranges(r.Ranges, $"{field}.ranges"), reservation),
            Value.Types.Type.Set => Kernel.Resource.OfSet(r.Name, Set(r.Set, $"{field}.set"), reservation),
            _ => throw new InvalidMessageException($"{field}.type", $"{r.Type} is not a resource type (SCALAR, RANGES or SET)"),
        };
        if (r.Disk?.Persistence is { } persistence)
        {
            if (r.Name != "disk" || r.Type != Value.Types.Type.Scalar)
                throw new InvalidMessageException($"{field}.disk", "persistent volumes are disk scalars");
            if (string.IsNullOrEmpty(persistence.Id)) throw new InvalidMessageException($"{field}.disk.persistence.id", "is empty");
            if (reservation is null) throw new InvalidMessageException($"{field}.disk", "a persistent volume must be reserved");
            result = result.WithDisk(new DiskInfo(persistence.Id, r.Disk.Volume?.ContainerPath ?? persistence.Id));
        }
        return result;
    }

    private static Kernel.Reservation? Reservation(V1.Resource r, string field)
    {
        if (r.Reservations.Count == 0) return null;
        if (r.Reservations.Count > 1)
            throw new InvalidMessageException($"{field}.reservations", "reservation refinement (more than one reservation) is not supported");
        var info = r.Reservations[0];
        var problem = Roles.Validate(info.Role);
        if (problem is not null) throw new InvalidMessageException($"{field}.reservations[0].role", problem);
        if (info.Role == Roles.Default) throw new InvalidMessageException($"{field}.reservations[0].role", "cannot reserve for the default role '*'");
        var labels = info.Labels?.Labels_.ToDictionary(l => l.Key, l => l.Value);
        return info.Type switch
        {
            V1.Resource.Types.ReservationInfo.Types.Type.Static => Kernel.Reservation.Static(info.Role),
            V1.Resource.Types.ReservationInfo.Types.Type.Dynamic => Kernel.Reservation.Dynamic(info.Role, NullIfEmpty(info.Principal), labels),
            _ => throw new InvalidMessageException($"{field}.reservations[0].type", "must be STATIC or DYNAMIC"),
        };
    }

    private static Kernel.Scalar Scalar(Value.Types.Scalar? scalar, string field)
    {
        if (scalar is null) throw new InvalidMessageException(field, "is missing");
        if (!double.IsFinite(scalar.Value) || scalar.Value < 0 || scalar.Value >= 9.2e15)
            throw new InvalidMessageException(field, $"{scalar.Value} is not a finite amount between 0 and 9.2e15");
        return Kernel.Scalar.FromDouble(scalar.Value);
    }

    private static ValueRanges Ranges(Value.Types.Ranges? ranges, string field)
    {
        if (ranges is null) throw new InvalidMessageException(field, "is missing");
        for (var i = 0; i < ranges.Range.Count; i++)
            if (ranges.Range[i].Begin > ranges.Range[i].End)
                throw new InvalidMessageException($"{field}.range[{i}]", $"begin {ranges.Range[i].Begin} is after end {ranges.Range[i].End}");
        return ValueRanges.Of(ranges.Range.Select(x => new ValueRange(x.Begin, x.End)));
    }

    private static ValueSet Set(Value.Types.Set? set, string field)
    {
        if (set is null) throw new InvalidMessageException(field, "is missing");
        return ValueSet.Of(set.Item);
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    /// <summary>The model to wire resources; <paramref name="allocatedRole"/> sets <c>allocation_info.role</c> (offers, tasks).</summary>
    public static RepeatedField<V1.Resource> ToWire(Kernel.Resources resources, string? allocatedRole = null)
    {
        var result = new RepeatedField<V1.Resource>();
        foreach (var r in resources) result.Add(ToWire(r, allocatedRole));
        return result;
    }

    private static V1.Resource ToWire(Kernel.Resource r, string? allocatedRole)
    {
        var wire = new V1.Resource { Name = r.Name };
        switch (r.Type)
        {
            case ResourceType.Scalar:
                wire.Type = Value.Types.Type.Scalar;
                wire.Scalar = new Value.Types.Scalar { Value = r.Scalar.ToDouble() };
                break;
            case ResourceType.Ranges:
                wire.Type = Value.Types.Type.Ranges;
                wire.Ranges = new Value.Types.Ranges();
                wire.Ranges.Range.AddRange(r.Ranges.Select(x => new Value.Types.Range { Begin = x.Begin, End = x.End }));
                break;
            default:
                wire.Type = Value.Types.Type.Set;
                wire.Set = new Value.Types.Set();
                wire.Set.Item.AddRange(r.Set);
                break;
        }
        if (r.Reservation is { } reservation)
        {
            var info = new V1.Resource.Types.ReservationInfo
            {
                Type = reservation.Type == ReservationType.Static
                    ? V1.Resource.Types.ReservationInfo.Types.Type.Static
                    : V1.Resource.Types.ReservationInfo.Types.Type.Dynamic,
                Role = reservation.Role,
                Principal = reservation.Principal ?? "",
            };
            if (reservation.Labels.Count > 0)
            {
                info.Labels = new Labels();
                info.Labels.Labels_.AddRange(reservation.Labels.Select(kv => new Label { Key = kv.Key, Value = kv.Value }));
            }
            wire.Reservations.Add(info);
        }
        if (r.Disk is { } disk)
            wire.Disk = new V1.Resource.Types.DiskInfo
            {
                Persistence = new V1.Resource.Types.DiskInfo.Types.Persistence { Id = disk.PersistenceId },
                Volume = new V1.Resource.Types.DiskInfo.Types.Volume { ContainerPath = disk.ContainerPath },
            };
        if (allocatedRole is not null) wire.AllocationInfo = new V1.Resource.Types.AllocationInfo { Role = allocatedRole };
        return wire;
    }

    /// <summary>Model attributes to wire attributes.</summary>
    public static IEnumerable<V1.Attribute> ToWire(Attributes attributes) => attributes.Select(a => a.Type switch
    {
        AttributeType.Scalar => new V1.Attribute { Name = a.Name, Type = Value.Types.Type.Scalar, Scalar = new Value.Types.Scalar { Value = a.Scalar.ToDouble() } },
        AttributeType.Ranges => new V1.Attribute
        {
            Name = a.Name, Type = Value.Types.Type.Ranges,
            Ranges = new Value.Types.Ranges { Range = { a.Ranges.Select(x => new Value.Types.Range { Begin = x.Begin, End = x.End }) } },
        },
        AttributeType.Set => new V1.Attribute { Name = a.Name, Type = Value.Types.Type.Set, Set = new Value.Types.Set { Item = { a.Set } } },
        _ => new V1.Attribute { Name = a.Name, Type = Value.Types.Type.Text, Text = new Value.Types.Text { Value = a.Text } },
    });

    /// <summary>Wire attributes to the model, through the text syntax (<c>name:value;...</c>).</summary>
    /// <exception cref="InvalidMessageException">An attribute is malformed.</exception>
    public static Attributes ToModel(IEnumerable<V1.Attribute> attributes, string field)
    {
        var parts = new List<string>();
        var i = 0;
        foreach (var a in attributes)
        {
            var path = $"{field}[{i++}]";
            if (string.IsNullOrWhiteSpace(a.Name) || a.Name.IndexOfAny([':', ';']) >= 0) throw new InvalidMessageException($"{path}.name", "is empty or contains ':' or ';'");
            parts.Add(a.Type switch
            {
                Value.Types.Type.Scalar => $"{a.Name}:{Scalar(a.Scalar, $"{path}.scalar")}",
                Value.Types.Type.Ranges => $"{a.Name}:{Ranges(a.Ranges, $"{path}.ranges")}",
                Value.Types.Type.Set => $"{a.Name}:{Set(a.Set, $"{path}.set")}",
                _ => $"{a.Name}:{a.Text?.Value}",
            });
        }
        try
        {
            return Attributes.Parse(string.Join(";", parts));
        }
        catch (ResourceParseException e)
        {
            throw new InvalidMessageException(field, e.Message);
        }
    }
}
