namespace Bridge.Kernel.Allocation.Internal;

/// <summary>
/// Validates an ACCEPT's operations against the offer, in order, without changing anything
/// (Mesos <c>Resources::apply</c> semantics): each operation must find what it needs in what
/// the previous ones left. The result says which agent-total conversions and launches to apply.
/// </summary>
internal static class OfferOperations
{
    internal sealed record Result(
        AcceptResult? Error,
        IReadOnlyList<(Resources From, Resources To)> Conversions,
        IReadOnlyList<LaunchOperation> Launches,
        Resources Remaining);

    public static Result Plan(OfferState offer, IReadOnlyList<OfferOperation> operations, IReadOnlyDictionary<(FrameworkId, TaskId), TaskState> tasks)
    {
        var remaining = offer.Resources;
        var conversions = new List<(Resources, Resources)>();
        var launches = new List<LaunchOperation>();
        var role = offer.Membership.Role.Role;
        var frameworkId = offer.Membership.Framework.Id;
        for (int i = 0; i < operations.Count; i++)
        {
            string? error = null;
            switch (operations[i])
            {
                case LaunchOperation launch:
                    if (launch.Resources.IsEmpty) error = $"task {launch.TaskId} uses no resources";
                    else if (tasks.ContainsKey((frameworkId, launch.TaskId)) || launches.Any(l => l.TaskId == launch.TaskId))
                        error = $"task {launch.TaskId} already exists";
                    else if (!remaining.TryMinus(launch.Resources, out var afterLaunch))
                        error = $"task {launch.TaskId} needs '{launch.Resources}' but the offer has '{remaining}' left";
                    else
                    {
                        remaining = afterLaunch;
                        launches.Add(launch);
                    }
                    break;
                case ReserveOperation reserve:
                    error = Convert(ref remaining, conversions, reserve.Resources.ToUnreserved(), reserve.Resources,
                        CheckReserve(reserve.Resources, role));
                    break;
                case UnreserveOperation unreserve:
                    error = Convert(ref remaining, conversions, unreserve.Resources, unreserve.Resources.ToUnreserved(),
                        CheckUnreserve(unreserve.Resources));
                    break;
                case CreateVolumesOperation create:
                    error = Convert(ref remaining, conversions, StripVolumes(create.Volumes), create.Volumes,
                        CheckVolumes(create.Volumes, offer.Agent.Total, mustExist: false));
                    break;
                case DestroyVolumesOperation destroy:
                    error = Convert(ref remaining, conversions, destroy.Volumes, StripVolumes(destroy.Volumes),
                        CheckVolumes(destroy.Volumes, offer.Agent.Total, mustExist: true));
                    break;
                default:
                    error = $"unsupported operation {operations[i]?.GetType().Name ?? "null"}";
                    break;
            }
            if (error is not null) return new Result(new AcceptResult($"operation {i}: {error}", i), [], [], offer.Resources);
        }
        return new Result(null, conversions, launches, remaining);
    }

    private static string? Convert(ref Resources remaining, List<(Resources, Resources)> conversions, Resources from, Resources to, string? error)
    {
        if (error is not null) return error;
        if (!remaining.TryMinus(from, out var rest)) return $"needs '{from}' but the offer has '{remaining}' left";
        remaining = rest.Plus(to);
        conversions.Add((from, to));
        return null;
    }

    private static string? CheckReserve(Resources reserved, string role)
    {
        if (reserved.IsEmpty) return "nothing to reserve";
        foreach (var r in reserved)
        {
            if (r.Reservation is not { Type: ReservationType.Dynamic } res) return $"'{r}' is not a dynamic reservation";
            if (res.Role != role) return $"'{r}' is reserved for {res.Role}, but the offer was made to role {role}";
            if (r.IsPersistentVolume) return $"'{r}' is a volume: reserve plain disk, then CREATE";
        }
        return null;
    }

    private static string? CheckUnreserve(Resources reserved)
    {
        if (reserved.IsEmpty) return "nothing to unreserve";
        foreach (var r in reserved)
        {
            if (r.Reservation is not { Type: ReservationType.Dynamic }) return $"'{r}' is not dynamically reserved";
            if (r.IsPersistentVolume) return $"'{r}' is a volume: DESTROY it first";
        }
        return null;
    }

    private static string? CheckVolumes(Resources volumes, Resources agentTotal, bool mustExist)
    {
        if (volumes.IsEmpty) return "no volumes given";
        foreach (var v in volumes)
        {
            if (!v.IsPersistentVolume) return $"'{v}' is not a persistent volume";
            bool exists = agentTotal.Any(t => t.Disk?.PersistenceId == v.Disk!.PersistenceId);
            if (!mustExist && exists) return $"volume '{v.Disk!.PersistenceId}' already exists on the agent";
        }
        return null;
    }

    private static Resources StripVolumes(Resources volumes) => Resources.Of(volumes.Select(v => v.WithDisk(null)));
}
