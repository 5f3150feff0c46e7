using Bridge.Kernel.V1;
using Bridge.Schedulers.Services.Definitions;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Schedulers.Services.Instances;

/// <summary>What a status update did to an instance.</summary>
/// <param name="Before">The instance before the update.</param>
/// <param name="After">The instance after it (terminal ones are no longer tracked).</param>
public sealed record InstanceChange(Instance Before, Instance After)
{
    /// <summary>The instance ended with this update.</summary>
    public bool Ended => !Before.IsTerminal && After.IsTerminal;

    /// <summary>The instance ended in a way that counts against the app's backoff: failed or errored, or
    /// exited on its own (a service is not meant to finish), or lost while not being killed.</summary>
    public bool Failed => Ended && Before.Condition != Condition.Killing
        && After.Condition is Condition.Failed or Condition.Error or Condition.Finished or Condition.Gone;
}

/// <summary>
/// The services scheduler's view of its instances: every active instance by task id, updated from
/// the kernel's status updates. Launches add instances; a terminal status removes one and reports
/// the change, so the caller can count failures and relaunch. Statuses for task ids it does not
/// track are reported as unknown (the caller kills such tasks: nobody owns them). Pure and
/// single-threaded: the scheduler's event loop owns it.
/// </summary>
public sealed class InstanceTracker
{
    private readonly Dictionary<string, Instance> _byTask = new(StringComparer.Ordinal);
    private readonly Dictionary<AppId, HashSet<string>> _byApp = [];
    private readonly Dictionary<AppId, Dictionary<DateTimeOffset, VersionCounts>> _counts = [];

    /// <summary>How the instances of <paramref name="appId"/> stand, per configuration version; kept as
    /// instances change, so reading it costs nothing per instance.</summary>
    public IReadOnlyDictionary<DateTimeOffset, VersionCounts> Counts(AppId appId) =>
        _counts.TryGetValue(appId, out var counts) ? counts : Empty;

    private static readonly IReadOnlyDictionary<DateTimeOffset, VersionCounts> Empty = new Dictionary<DateTimeOffset, VersionCounts>();

    /// <summary>Every tracked (not terminal) instance.</summary>
    public IEnumerable<Instance> All => _byTask.Values;

    /// <summary>The tracked instances of <paramref name="appId"/>.</summary>
    public IReadOnlyList<Instance> Of(AppId appId) =>
        _byApp.TryGetValue(appId, out var tasks) ? tasks.Select(t => _byTask[t]).ToList() : [];

    /// <summary>The instance with <paramref name="taskId"/>, or null.</summary>
    public Instance? Get(string taskId) => _byTask.GetValueOrDefault(taskId);

    /// <summary>Tracks a newly launched (or, after a restart, recovered) instance.</summary>
    /// <exception cref="InvalidOperationException">The task id is already tracked.</exception>
    public void Add(Instance instance)
    {
        if (!_byTask.TryAdd(instance.TaskId, instance))
            throw new InvalidOperationException($"task {instance.TaskId} is already tracked");
        if (!_byApp.TryGetValue(instance.AppId, out var tasks)) _byApp[instance.AppId] = tasks = new(StringComparer.Ordinal);
        tasks.Add(instance.TaskId);
        Count(instance, +1);
    }

    /// <summary>Marks <paramref name="taskId"/> as being killed by us (so its end does not count as a failure).</summary>
    /// <returns>The instance, or null when not tracked.</returns>
    public Instance? MarkKilling(string taskId, DateTimeOffset now)
    {
        if (_byTask.GetValueOrDefault(taskId) is not { } instance) return null;
        if (instance.Condition == Condition.Killing) return instance;
        return Replace(instance, instance with { Condition = Condition.Killing, Since = now });
    }

    /// <summary>Applies a status update at <paramref name="now"/>.</summary>
    /// <returns>The change, or null when the task is not tracked (unknown to this scheduler) or nothing changed.</returns>
    public InstanceChange? Apply(TaskStatus status, DateTimeOffset now)
    {
        var taskId = status.TaskId?.Value ?? "";
        if (_byTask.GetValueOrDefault(taskId) is not { } before) return null;
        var condition = Instance.ConditionOf(status.State);
        // A kill we asked for stays "killing" through the agent's own interim states.
        if (before.Condition == Condition.Killing && condition is Condition.Staging or Condition.Starting or Condition.Running)
            condition = Condition.Killing;
        bool? healthy = status.HasHealthy ? status.Healthy : before.Healthy;
        if (condition == before.Condition && healthy == before.Healthy) return null;
        var after = before with
        {
            Condition = condition,
            Healthy = healthy,
            StartedAt = before.StartedAt ?? (condition == Condition.Running ? now : null),
            Since = now,
            Message = string.IsNullOrEmpty(status.Message) ? before.Message : status.Message,
        };
        if (after.IsTerminal) Remove(before);
        else Replace(before, after);
        return new InstanceChange(before, after);
    }

    private Instance Replace(Instance before, Instance after)
    {
        Count(before, -1);
        Count(after, +1);
        return _byTask[after.TaskId] = after;
    }

    private void Remove(Instance instance)
    {
        _byTask.Remove(instance.TaskId);
        Count(instance, -1);
        if (_byApp.TryGetValue(instance.AppId, out var tasks) && tasks.Remove(instance.TaskId) && tasks.Count == 0)
            _byApp.Remove(instance.AppId);
    }

    private void Count(Instance instance, int delta)
    {
        if (!_counts.TryGetValue(instance.AppId, out var versions)) _counts[instance.AppId] = versions = [];
        var counts = versions.GetValueOrDefault(instance.Version).Plus(instance, delta);
        if (counts.Total == 0) versions.Remove(instance.Version);
        else versions[instance.Version] = counts;
        if (versions.Count == 0) _counts.Remove(instance.AppId);
    }
}

/// <summary>How an app's instances of one configuration version stand.</summary>
/// <param name="Total">Tracked instances (not ended).</param>
/// <param name="Live">Of those, neither being killed nor unreachable: the ones that count toward the instance count.</param>
/// <param name="Running">Of those, running.</param>
/// <param name="RunningHealthy">Of those, passing their health check.</param>
/// <param name="Killing">Being killed.</param>
public readonly record struct VersionCounts(int Total, int Live, int Running, int RunningHealthy, int Killing)
{
    /// <summary>The healthy ones: running, and passing their check when the app has one.</summary>
    public int Healthy(bool hasHealthChecks) => hasHealthChecks ? RunningHealthy : Running;

    /// <summary>These counts with <paramref name="instance"/> added (<paramref name="delta"/> +1) or taken away (-1).</summary>
    public VersionCounts Plus(Instance instance, int delta)
    {
        var live = instance.Condition is not (Condition.Killing or Condition.Unreachable);
        var running = instance.Condition == Condition.Running;
        return new VersionCounts(Total + delta, Live + (live ? delta : 0), Running + (running ? delta : 0),
            RunningHealthy + (running && instance.Healthy == true ? delta : 0), Killing + (instance.Condition == Condition.Killing ? delta : 0));
    }

    /// <summary>The sum of two counts.</summary>
    public static VersionCounts operator +(VersionCounts a, VersionCounts b) =>
        new(a.Total + b.Total, a.Live + b.Live, a.Running + b.Running, a.RunningHealthy + b.RunningHealthy, a.Killing + b.Killing);
}
