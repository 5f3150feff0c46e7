namespace Bridge.Kernel.Master.Internal;

/// <summary>
/// Resources checkpointed on an agent: what operations changed in its total, i.e. dynamic
/// reservations and persistent volumes (static reservations come from the agent's own
/// configuration and are not checkpointed, as in Mesos).
/// </summary>
internal static class Checkpoints
{
    /// <summary>The checkpointed part of an agent's total.</summary>
    public static Resources Of(Resources total) =>
        total.HasReservations ? total.Filter(r => r.Reservation is { Type: ReservationType.Dynamic } || r.IsPersistentVolume) : Resources.Empty;

    /// <summary>
    /// The agent's total with <paramref name="checkpointed"/> applied: each checkpointed resource
    /// replaces what it was made from (a dynamic reservation its unreserved amount, a volume its
    /// plain disk). False when the agent does not have what they were made from.
    /// </summary>
    public static bool TryApply(Resources total, Resources checkpointed, out Resources applied)
    {
        applied = total;
        if (checkpointed.IsEmpty) return true;
        var sources = Resources.Of(checkpointed.Select(Source));
        if (!total.TryMinus(sources, out var rest)) return false;
        applied = rest.Plus(checkpointed);
        return true;
    }

    private static Resource Source(Resource r)
    {
        var plain = r.IsPersistentVolume ? r.WithDisk(null) : r;
        return plain.Reservation is { Type: ReservationType.Dynamic } ? plain.WithReservation(null) : plain;
    }
}
