namespace Bridge.Kernel;

/// <summary>The kind of value a resource holds (Mesos <c>Value.Type</c>).</summary>
public enum ResourceType
{
    /// <summary>A fixed-point number: <c>cpus:2.5</c>, <c>mem:4096</c>.</summary>
    Scalar,
    /// <summary>Integer ranges: <c>ports:[31000-32000]</c>.</summary>
    Ranges,
    /// <summary>Text items: <c>disks:{sda,sdb}</c>.</summary>
    Set,
}

/// <summary>
/// One named resource (Mesos <c>Resource</c>): a name, a value of one
/// <see cref="ResourceType"/>, an optional <see cref="Reservation"/> and, for <c>disk</c>,
/// an optional persistent volume (<see cref="DiskInfo"/>). Immutable.
/// Well-known names and units: <c>cpus</c> (cores), <c>mem</c> (MB), <c>disk</c> (MB),
/// <c>gpus</c> (devices), <c>ports</c> (ranges).
/// </summary>
public sealed class Resource : IEquatable<Resource>
{
    /// <summary>The name, e.g. <c>cpus</c>.</summary>
    public string Name { get; }
    /// <summary>The kind of value.</summary>
    public ResourceType Type { get; }
    /// <summary>The value when <see cref="Type"/> is <see cref="ResourceType.Scalar"/>, else zero.</summary>
    public Scalar Scalar { get; }
    /// <summary>The value when <see cref="Type"/> is <see cref="ResourceType.Ranges"/>, else empty.</summary>
    public ValueRanges Ranges { get; }
    /// <summary>The value when <see cref="Type"/> is <see cref="ResourceType.Set"/>, else empty.</summary>
    public ValueSet Set { get; }
    /// <summary>The reservation, or null when unreserved.</summary>
    public Reservation? Reservation { get; }
    /// <summary>The persistent volume this disk resource is, or null.</summary>
    public DiskInfo? Disk { get; }

    private Resource(string name, ResourceType type, Scalar scalar, ValueRanges ranges, ValueSet set, Reservation? reservation, DiskInfo? disk)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("resource name is empty", nameof(name));
        foreach (char c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
                throw new ArgumentException($"resource name '{name}' may only contain letters, digits, '_', '-' and '.'", nameof(name));
        if (disk is not null && name != "disk") throw new ArgumentException($"only 'disk' can be a persistent volume, not '{name}'", nameof(disk));
        if (disk is not null && type != ResourceType.Scalar) throw new ArgumentException("a persistent volume must be a scalar", nameof(disk));
        if (disk is not null && reservation is null) throw new ArgumentException("a persistent volume must be reserved for a role", nameof(disk));
        Name = name;
        Type = type;
        Scalar = scalar;
        Ranges = ranges;
        Set = set;
        Reservation = reservation;
        Disk = disk;
    }

    /// <summary>A scalar resource, e.g. <c>Resource.Scalar("cpus", Scalar.FromDouble(0.5))</c>.</summary>
    /// <exception cref="ArgumentException">Bad name, or a volume on something other than a reserved <c>disk</c>.</exception>
    public static Resource OfScalar(string name, Scalar value, Reservation? reservation = null, DiskInfo? disk = null) =>
        new(name, ResourceType.Scalar, value, ValueRanges.Empty, ValueSet.Empty, reservation, disk);

    /// <summary>A ranges resource, e.g. ports.</summary>
    /// <exception cref="ArgumentException">Bad name.</exception>
    public static Resource OfRanges(string name, ValueRanges value, Reservation? reservation = null) =>
        new(name, ResourceType.Ranges, Scalar.Zero, value, ValueSet.Empty, reservation, null);

    /// <summary>A set resource.</summary>
    /// <exception cref="ArgumentException">Bad name.</exception>
    public static Resource OfSet(string name, ValueSet value, Reservation? reservation = null) =>
        new(name, ResourceType.Set, Scalar.Zero, ValueRanges.Empty, value, reservation, null);

    /// <summary>The role this resource is reserved for, or <c>*</c> when unreserved.</summary>
    public string Role => Reservation?.Role ?? Roles.Default;

    /// <summary>True when reserved for a role.</summary>
    public bool IsReserved => Reservation is not null;

    /// <summary>True when this is a persistent volume.</summary>
    public bool IsPersistentVolume => Disk is not null;

    /// <summary>True when the value holds nothing (zero, no ranges, no items).</summary>
    public bool IsEmpty => Type switch
    {
        ResourceType.Scalar => Scalar.IsZero,
        ResourceType.Ranges => Ranges.IsEmpty,
        _ => Set.IsEmpty,
    };

    /// <summary>The same resource with another reservation (null: unreserved) and no volume.</summary>
    public Resource WithReservation(Reservation? reservation) =>
        new(Name, Type, Scalar, Ranges, Set, reservation, reservation is null ? null : Disk);

    /// <summary>The same resource as a persistent volume (or, with null, a plain disk).</summary>
    /// <exception cref="ArgumentException">Not a reserved <c>disk</c> scalar.</exception>
    public Resource WithDisk(DiskInfo? disk) => new(Name, Type, Scalar, Ranges, Set, Reservation, disk);

    /// <summary>The same name, reservation and volume with another scalar value.</summary>
    public Resource WithScalar(Scalar value) => new(Name, ResourceType.Scalar, value, ValueRanges.Empty, ValueSet.Empty, Reservation, Disk);

    internal Resource WithRanges(ValueRanges value) => new(Name, ResourceType.Ranges, Scalar.Zero, value, ValueSet.Empty, Reservation, null);

    internal Resource WithSet(ValueSet value) => new(Name, ResourceType.Set, Scalar.Zero, ValueRanges.Empty, value, Reservation, null);

    /// <summary>True when both describe the same kind of thing and can be combined by
    /// adding their values: same name, type, reservation and volume. Two persistent
    /// volumes never combine (each is one indivisible thing).</summary>
    public bool IsSameKind(Resource other) =>
        Name == other.Name && Type == other.Type && Equals(Reservation, other.Reservation) && Disk is null && other.Disk is null;

    /// <summary>Mesos text form: <c>cpus:2</c>, <c>cpus(analytics):2</c>,
    /// <c>disk(db,alice)[vol1:data]:1024</c>, <c>ports:[31000-32000]</c>.</summary>
    public override string ToString()
    {
        var value = Type switch
        {
            ResourceType.Scalar => Scalar.ToString(),
            ResourceType.Ranges => Ranges.ToString(),
            _ => Set.ToString(),
        };
        var role = Reservation is null ? "" : $"({Reservation})";
        var disk = Disk is null ? "" : $"[{Disk}]";
        return $"{Name}{role}{disk}:{value}";
    }

    /// <inheritdoc />
    public bool Equals(Resource? other) =>
        other is not null && Name == other.Name && Type == other.Type && Equals(Reservation, other.Reservation) && Equals(Disk, other.Disk)
        && Scalar == other.Scalar && Ranges.Equals(other.Ranges) && Set.Equals(other.Set);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Resource);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Type, Scalar, Ranges, Set, Reservation, Disk);

    /// <summary>A total order used to keep <see cref="Resources"/> canonical: by name, then
    /// unreserved before reserved, then reservation role, type, principal, and volume id.</summary>
    internal static int CompareKind(Resource a, Resource b)
    {
        int c = string.CompareOrdinal(a.Name, b.Name);
        if (c != 0) return c;
        c = (a.Reservation is null ? 0 : 1).CompareTo(b.Reservation is null ? 0 : 1);
        if (c != 0) return c;
        if (a.Reservation is not null)
        {
            c = string.CompareOrdinal(a.Reservation.Role, b.Reservation!.Role);
            if (c != 0) return c;
            c = a.Reservation.Type.CompareTo(b.Reservation.Type);
            if (c != 0) return c;
            c = string.CompareOrdinal(a.Reservation.Principal, b.Reservation.Principal);
            if (c != 0) return c;
            if (a.Reservation.Labels.Count + b.Reservation.Labels.Count > 0)
            {
                c = string.CompareOrdinal(string.Join(",", a.Reservation.Labels), string.Join(",", b.Reservation.Labels));
                if (c != 0) return c;
            }
        }
        c = a.Type.CompareTo(b.Type);
        if (c != 0) return c;
        c = string.CompareOrdinal(a.Disk?.PersistenceId, b.Disk?.PersistenceId);
        if (c != 0) return c;
        return string.CompareOrdinal(a.Disk?.ContainerPath, b.Disk?.ContainerPath);
    }
}
