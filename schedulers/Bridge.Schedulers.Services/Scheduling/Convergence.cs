using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Deployments;
using Bridge.Schedulers.Services.Instances;

namespace Bridge.Schedulers.Services.Scheduling;

/// <summary>What one app should do now to move toward its definition.</summary>
/// <param name="Kill">Instances to kill now.</param>
/// <param name="Wanted">Instances to launch (when offers fit).</param>
/// <param name="StepDone">The deployment step under way is complete.</param>
public sealed record ConvergeStep(IReadOnlyList<Instance> Kill, int Wanted, bool StepDone);

/// <summary>
/// The per-app control rule, pure: from the app's definition, its deployment step and how its
/// instances stand, which to kill and how many to launch. Instances being killed are left alone;
/// unreachable ones do not count toward the instance count (Marathon's default unreachable
/// strategy replaces them at once), and when they come back the surplus is killed. It decides from
/// the tracker's per-version counts, so it costs nothing per instance; the instances themselves are
/// listed only when some must be chosen to die.
/// </summary>
public static class Convergence
{
    /// <summary>The step for an app.</summary>
    /// <param name="app">The app's definition (the target of its deployment, if any).</param>
    /// <param name="configVersion">Its current configuration version: instances with another one are old.</param>
    /// <param name="action">The deployment step under way, or null.</param>
    /// <param name="counts">Its instances' counts per configuration version (<see cref="InstanceTracker.Counts"/>).</param>
    /// <param name="instances">Lists its instances, when victims must be chosen.</param>
    public static ConvergeStep Next(AppDefinition app, DateTimeOffset configVersion, DeploymentActionType? action,
        IReadOnlyDictionary<DateTimeOffset, VersionCounts> counts, Func<IReadOnlyList<Instance>> instances)
    {
        var checks = app.HealthChecks.Count > 0;
        var all = counts.Values.Aggregate(default(VersionCounts), (a, b) => a + b);
        switch (action)
        {
            case DeploymentActionType.StartApplication:
                return new ConvergeStep([], 0, StepDone: true);
            case DeploymentActionType.StopApplication:
                var stop = all.Total > all.Killing ? instances().Where(i => i.Condition != Condition.Killing).ToList() : [];
                return new ConvergeStep(stop, 0, StepDone: all.Total == 0);
            case DeploymentActionType.RestartApplication:
                var fresh = counts.GetValueOrDefault(configVersion);
                var old = all + new VersionCounts(-fresh.Total, -fresh.Live, -fresh.Running, -fresh.RunningHealthy, -fresh.Killing);
                var step = RollingReplace.Next(new ReplaceState(app.Instances, app.UpgradeStrategy.MinimumHealthCapacity,
                    app.UpgradeStrategy.MaximumOverCapacity, old.Live, old.Healthy(checks), fresh.Live, fresh.Healthy(checks)));
                // Unhealthy old instances first, then by the app's kill selection.
                var kill = step.KillOld == 0 ? [] : Order(Live(instances()).Where(i => i.Version != configVersion), app.KillSelection)
                    .OrderBy(i => i.IsHealthy(checks)).Take(step.KillOld).ToList();
                return new ConvergeStep(kill, step.StartNew, step.Done && all.Killing == 0);
            default:
                var surplus = Math.Max(0, all.Live - app.Instances);
                // Not running yet, unhealthy, then by the app's kill selection.
                var victims = surplus == 0 ? [] : Order(Live(instances()), app.KillSelection)
                    .OrderBy(i => i.Condition == Condition.Running).ThenBy(i => i.IsHealthy(checks)).Take(surplus).ToList();
                var done = action == DeploymentActionType.ScaleApplication && all.Live == app.Instances
                    && all.Healthy(checks) == all.Live && all.Killing == 0;
                return new ConvergeStep(victims, Math.Max(0, app.Instances - all.Live), done);
        }
    }

    /// <summary>Instances in the order <paramref name="selection"/> kills them: youngest (latest staged) or oldest first.</summary>
    public static IOrderedEnumerable<Instance> Order(IEnumerable<Instance> instances, KillSelection selection) =>
        selection == KillSelection.OldestFirst
            ? instances.OrderBy(i => i.StagedAt).ThenBy(i => i.TaskId, StringComparer.Ordinal)
            : instances.OrderByDescending(i => i.StagedAt).ThenBy(i => i.TaskId, StringComparer.Ordinal);

    private static IEnumerable<Instance> Live(IEnumerable<Instance> instances) =>
        instances.Where(i => i.Condition is not (Condition.Killing or Condition.Unreachable));
}
