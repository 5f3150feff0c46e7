using Bridge.Yarn.NodeManagers;

namespace Bridge.Yarn.Scheduling;

public sealed partial class YarnBridgeScheduler
{
    private DateTimeOffset? _demandSince;

    /// <summary>
    /// Demand-driven autoscaling, when enabled (<see cref="AutoscalingOptions"/>), for NodeManagers of its profile that
    /// are not flexed down: below the minimum, flex up to it; with YARN's demand pending for PendingFor and none of
    /// them pending or staging, flex up as many as the pending resources need (one for a zero profile), up to the
    /// maximum, and start the wait again; with no demand, flex down those idle for IdleFor, oldest idle first, down to
    /// the minimum.
    /// </summary>
    private void Autoscale(DateTimeOffset now, Decisions decisions)
    {
        var a = _options.Autoscaling;
        if (!a.Enabled) return;
        var profile = _options.Profiles[a.Profile];
        var mine = _nodeManagers.Values.Where(t => t.Profile.Name == profile.Name && t.State != NodeManagerTaskState.Killable).ToList();
        var demand = _yarn.Demand();
        var since = demand.Any ? _demandSince ?? now : (DateTimeOffset?)null;
        _demandSince = since;
        if (mine.Count < a.MinInstances)
        {
            AddPending(profile, a.MinInstances - mine.Count, null, now, decisions, "autoscale to the minimum");
            return;
        }
        if (demand.Any)
        {
            var waiting = mine.Any(t => t.State is NodeManagerTaskState.Pending or NodeManagerTaskState.Staging);
            if (waiting || now - since!.Value < a.PendingFor || mine.Count >= a.MaxInstances) return;
            var needed = profile.IsZero ? 1 : (int)Math.Ceiling(Math.Max(
                (double)demand.Pending.MemoryMb / profile.MemoryMb, (double)demand.Pending.VCores / (profile.Cpus * _options.VCoresPerCpu)));
            var n = Math.Clamp(needed, 1, a.MaxInstances - mine.Count);
            AddPending(profile, n, null, now, decisions, $"autoscale: {demand.ContainersPending} container(s) and {demand.AppsPending} app(s) pending for {(now - since.Value).TotalSeconds:0} s");
            _demandSince = now;
            return;
        }
        var idle = mine.Where(t => t.State == NodeManagerTaskState.Active && t.IdleSince is { } since && now - since >= a.IdleFor)
            .OrderBy(t => t.IdleSince).ThenBy(t => t.TaskId, StringComparer.Ordinal).Take(mine.Count - a.MinInstances).ToList();
        foreach (var t in idle) StartDecommission(t, now, decisions);
        if (idle.Count == 0) return;
        decisions.Changed = true;
        decisions.Event("autoscale", now, $"autoscale: {idle.Count} idle '{profile.Name}' NodeManager(s) flexed down", profile.Name);
        SyncYarn(now, decisions);
    }
}
