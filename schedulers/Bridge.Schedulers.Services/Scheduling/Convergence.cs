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
/// The per-app control rule, pure: from the app's definition, its deployment step and its
/// instances, which to kill and how many to launch. Instances being killed are left alone;
/// unreachable ones do not count toward the instance count (Marathon's default unreachable
/// strategy replaces them at once), and when they come back the surplus is killed.
/// </summary>
public static class Convergence
{
    /// <summary>The step for an app.</summary>
    /// <param name="app">The app's definition (the target of its deployment, if any).</param>
    /// <param name="configVersion">Its current configuration version: instances with another one are old.</param>
    /// <param name="action">The deployment step under way, or null.</param>
    /// <param name="instances">Its tracked instances.</param>
    public static ConvergeStep Next(AppDefinition app, DateTimeOffset configVersion, DeploymentActionType? action, IReadOnlyList<Instance> instances)
    {
        var checks = app.HealthChecks.Count > 0;
        var live = instances.Where(i => i.Condition is not (Condition.Killing or Condition.Unreachable)).ToList();
        switch (action)
        {
            case DeploymentActionType.StartApplication:
                return new ConvergeStep([], 0, StepDone: true);
            case DeploymentActionType.StopApplication:
                return new ConvergeStep(instances.Where(i => i.Condition != Condition.Killing).ToList(), 0, StepDone: instances.Count == 0);
            case DeploymentActionType.RestartApplication:
                var old = live.Where(i => i.Version != configVersion).ToList();
                var fresh = live.Where(i => i.Version == configVersion).ToList();
                var step = RollingReplace.Next(new ReplaceState(app.Instances, app.UpgradeStrategy.MinimumHealthCapacity,
                    app.UpgradeStrategy.MaximumOverCapacity, old.Count, old.Count(i => i.IsHealthy(checks)),
                    fresh.Count, fresh.Count(i => i.IsHealthy(checks))));
                // Unhealthy old instances first, then by the app's kill selection.
                var kill = Order(old, app.KillSelection).OrderBy(i => i.IsHealthy(checks)).Take(step.KillOld).ToList();
                return new ConvergeStep(kill, step.StartNew, step.Done && instances.All(i => i.Condition != Condition.Killing));
            default:
                var surplus = Math.Max(0, live.Count - app.Instances);
                // Not running yet, unhealthy, then by the app's kill selection.
                var victims = Order(live, app.KillSelection).OrderBy(i => i.Condition == Condition.Running).ThenBy(i => i.IsHealthy(checks))
                    .Take(surplus).ToList();
                var done = action == DeploymentActionType.ScaleApplication && live.Count == app.Instances
                    && live.All(i => i.IsHealthy(checks)) && instances.All(i => i.Condition != Condition.Killing);
                return new ConvergeStep(victims, Math.Max(0, app.Instances - live.Count), done);
        }
    }

    /// <summary>Instances in the order <paramref name="selection"/> kills them: youngest (latest staged) or oldest first.</summary>
    public static IOrderedEnumerable<Instance> Order(IEnumerable<Instance> instances, KillSelection selection) =>
        selection == KillSelection.OldestFirst
            ? instances.OrderBy(i => i.StagedAt).ThenBy(i => i.TaskId, StringComparer.Ordinal)
            : instances.OrderByDescending(i => i.StagedAt).ThenBy(i => i.TaskId, StringComparer.Ordinal);
}
