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
    }

    /// <summary>Marks <paramref name="taskId"/> as being killed by us (so its end does not count as a failure).</summary>
    /// <returns>The instance, or null when not tracked.</returns>
    public Instance? MarkKilling(string taskId, DateTimeOffset now)
    {
        if (_byTask.GetValueOrDefault(taskId) is not { } instance) return null;
        if (instance.Condition == Condition.Killing) return instance;
        return _byTask[taskId] = instance with { Condition = Condition.Killing, Since = now };
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
        else _byTask[taskId] = after;
        return new InstanceChange(before, after);
    }

    private void Remove(Instance instance)
    {
        _byTask.Remove(instance.TaskId);
        if (_byApp.TryGetValue(instance.AppId, out var tasks) && tasks.Remove(instance.TaskId) && tasks.Count == 0)
            _byApp.Remove(instance.AppId);
    }
}
