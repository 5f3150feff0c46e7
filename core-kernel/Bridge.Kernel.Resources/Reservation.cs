namespace Bridge.Kernel;

/// <summary>How a resource was reserved (Mesos <c>Resource.ReservationInfo.Type</c>).</summary>
public enum ReservationType
{
    /// <summary>Configured on the agent (<c>--resources=cpus(analytics):2</c>); changes only with the agent's configuration.</summary>
    Static,
    /// <summary>Made at run time by a framework (RESERVE) or an operator (RESERVE_RESOURCES); can be unreserved.</summary>
    Dynamic,
}

/// <summary>
/// A reservation of a resource for a role (Mesos <c>Resource.ReservationInfo</c>).
/// Reserved resources are offered only to frameworks in that role or its descendants.
/// </summary>
public sealed class Reservation : IEquatable<Reservation>
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Static or dynamic.</summary>
    public ReservationType Type { get; }
    /// <summary>The role the resource is reserved for (never <c>*</c>).</summary>
    public string Role { get; }
    /// <summary>Who made a dynamic reservation (null for static ones or when unauthenticated).</summary>
    public string? Principal { get; }
    /// <summary>Free-form labels of a dynamic reservation, ordinally sorted by key.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; }

    /// <summary>Creates a reservation.</summary>
    /// <exception cref="ArgumentException">The role is invalid or <c>*</c>; or a static reservation has a principal or labels.</exception>
    public Reservation(ReservationType type, string role, string? principal = null, IReadOnlyDictionary<string, string>? labels = null)
    {
        Roles.Require(role);
        if (role == Roles.Default) throw new ArgumentException("resources cannot be reserved for '*'", nameof(role));
        if (type == ReservationType.Static && (principal is not null || labels is { Count: > 0 }))
            throw new ArgumentException("a static reservation has no principal or labels", nameof(principal));
        Type = type;
        Role = role;
        Principal = principal;
        Labels = labels is null || labels.Count == 0 ? NoLabels : new SortedDictionary<string, string>(labels.ToDictionary(), StringComparer.Ordinal);
    }

    /// <summary>A static reservation for <paramref name="role"/>.</summary>
    public static Reservation Static(string role) => new(ReservationType.Static, role);

    /// <summary>A dynamic reservation for <paramref name="role"/>.</summary>
    public static Reservation Dynamic(string role, string? principal = null, IReadOnlyDictionary<string, string>? labels = null) =>
        new(ReservationType.Dynamic, role, principal, labels);

    /// <inheritdoc />
    public bool Equals(Reservation? other) =>
        other is not null && Type == other.Type && Role == other.Role && Principal == other.Principal
        && Labels.Count == other.Labels.Count
        && Labels.All(kv => other.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Reservation);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, Role, Principal, Labels.Count);

    /// <summary>Text form inside the resource's parentheses: <c>role</c> (static) or <c>role,principal</c> (dynamic).</summary>
    public override string ToString() => Type == ReservationType.Static ? Role : $"{Role},{Principal}";
}

/// <summary>
/// A persistent volume on a disk resource (Mesos <c>Resource.DiskInfo</c> with
/// <c>persistence.id</c> and <c>volume.container_path</c>). A volume outlives the task that
/// used it and is re-offered to the role it is reserved for.
/// </summary>
/// <param name="PersistenceId">The volume's id, unique on its agent.</param>
/// <param name="ContainerPath">Where the volume is mounted in the task's sandbox (relative path).</param>
public sealed record DiskInfo(string PersistenceId, string ContainerPath)
{
    /// <inheritdoc />
    public override string ToString() => $"{PersistenceId}:{ContainerPath}";
}
