using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Agent;
using Microsoft.Extensions.Logging;
using Call = Bridge.Kernel.V1.Scheduler.Call;
using OperatorEvent = Bridge.Kernel.V1.Operator.Event;
using SchedulerEvent = Bridge.Kernel.V1.Scheduler.Event;

namespace Bridge.Kernel.Master.Internal;

/// <summary>
/// Framework lifecycle (Mesos v1 semantics): SUBSCRIBE (new, or re-subscribe with an id, which is
/// a failover: the old stream gets an ERROR and closes), disconnection (offers rescinded, tasks kept
/// until <c>failover_timeout</c>), TEARDOWN and failover expiry (tasks killed, framework completed),
/// UPDATE_FRAMEWORK, SUPPRESS/REVIVE and heartbeats.
/// </summary>
internal sealed class FrameworkHandler(MasterState s, Action<Action> post)
{
    public FrameworkConnection Subscribe(Call call)
    {
        var subscribe = call.Subscribe ?? throw new InvalidMessageException("subscribe", "is missing");
        var info = subscribe.FrameworkInfo ?? throw new InvalidMessageException("subscribe.framework_info", "is missing");
        ValidateInfo(info, "subscribe.framework_info");
        if (call.FrameworkId is { Value.Length: > 0 } callId && info.Id is { Value.Length: > 0 } infoId && callId.Value != infoId.Value)
            throw new InvalidMessageException("framework_id", $"'{callId.Value}' differs from subscribe.framework_info.id '{infoId.Value}'");

        var connection = new FrameworkConnection(s.NewStreamId());
        FrameworkRecord framework;
        if (info.Id is { Value.Length: > 0 } id && s.Frameworks.TryGetValue(new FrameworkId(id.Value), out var known))
        {
            framework = known;
            Failover(framework, info, connection);
        }
        else
        {
            if (info.Id is { Value.Length: > 0 } given && s.CompletedFrameworks.Any(f => f.Id.Value == given.Value))
                throw new InvalidMessageException("subscribe.framework_info.id", $"framework '{given.Value}' was torn down; subscribe without an id");
            var frameworkId = info.Id is { Value.Length: > 0 } reuse ? new FrameworkId(reuse.Value) : s.NewFrameworkId();
            info.Id = new FrameworkID { Value = frameworkId.Value };
            framework = new FrameworkRecord(frameworkId, info, s.Now) { Connection = connection };
            s.Frameworks.Add(frameworkId, framework);
            s.Allocator.AddFramework(frameworkId, framework.Roles);
            s.Logger.LogInformation("Framework {Framework} ({Name}) subscribed with roles {Roles}", frameworkId, info.Name, string.Join(",", framework.Roles));
            s.Publish(new OperatorEvent { Type = OperatorEvent.Types.Type.FrameworkAdded, FrameworkAdded = new() { Framework = StateView.Framework(s, framework) } });
        }
        if (subscribe.SuppressedRoles.Count > 0) s.Allocator.Suppress(framework.Id, subscribe.SuppressedRoles);
        connection.FrameworkId = framework.Id;
        connection.Send(new SchedulerEvent
        {
            Type = SchedulerEvent.Types.Type.Subscribed,
            Subscribed = new SchedulerEvent.Types.Subscribed
            {
                FrameworkId = new FrameworkID { Value = framework.Id.Value },
                HeartbeatIntervalSeconds = s.Options.HeartbeatInterval.TotalSeconds,
                MasterInfo = s.Info,
                StreamId = connection.StreamId,
            },
        });
        return connection;
    }

    private void Failover(FrameworkRecord framework, FrameworkInfo info, FrameworkConnection connection)
    {
        if (framework.Connection is { IsClosed: false } old)
            old.Close(new SchedulerEvent { Type = SchedulerEvent.Types.Type.Error, Error = new() { Message = "Framework failed over" } });
        framework.FailoverTimer?.Dispose();
        framework.FailoverTimer = null;
        UpdateInfo(framework, info);
        framework.Connection = connection;
        framework.Recovered = false;
        s.Allocator.ActivateFramework(framework.Id);
        s.Logger.LogInformation("Framework {Framework} re-subscribed (failover) with {Tasks} tasks", framework.Id, framework.Tasks.Count);
        s.Publish(new OperatorEvent { Type = OperatorEvent.Types.Type.FrameworkUpdated, FrameworkUpdated = new() { Framework = StateView.Framework(s, framework) } });
    }

    public void UpdateFramework(FrameworkRecord framework, Call.Types.UpdateFramework update)
    {
        var info = update.FrameworkInfo ?? throw new InvalidMessageException("update_framework.framework_info", "is missing");
        ValidateInfo(info, "update_framework.framework_info");
        if (info.Id is { Value.Length: > 0 } id && id.Value != framework.Id.Value)
            throw new InvalidMessageException("update_framework.framework_info.id", $"'{id.Value}' is not this framework");
        UpdateInfo(framework, info);
        s.Allocator.Revive(framework.Id);
        if (update.SuppressedRoles.Count > 0) s.Allocator.Suppress(framework.Id, update.SuppressedRoles);
        s.Publish(new OperatorEvent { Type = OperatorEvent.Types.Type.FrameworkUpdated, FrameworkUpdated = new() { Framework = StateView.Framework(s, framework) } });
    }

    private void UpdateInfo(FrameworkRecord framework, FrameworkInfo info)
    {
        info.Id = new FrameworkID { Value = framework.Id.Value };
        var newRoles = info.Roles.Count == 0 ? [Roles.Default] : info.Roles.ToList();
        var inUse = framework.Tasks.Values.Where(t => !t.IsTerminal).Select(t => t.Role).Distinct().Where(r => !newRoles.Contains(r)).ToList();
        if (inUse.Count > 0)
            throw new InvalidMessageException("framework_info.roles", $"cannot drop role(s) {string.Join(", ", inUse)} while tasks run in them");
        framework.Info = info;
        s.Allocator.UpdateFrameworkRoles(framework.Id, newRoles);
    }

    private static void ValidateInfo(FrameworkInfo info, string field)
    {
        if (string.IsNullOrWhiteSpace(info.Name)) throw new InvalidMessageException($"{field}.name", "is empty");
        if (!double.IsFinite(info.FailoverTimeout) || info.FailoverTimeout < 0)
            throw new InvalidMessageException($"{field}.failover_timeout", $"{info.FailoverTimeout} is not a non-negative number of seconds");
        for (var i = 0; i < info.Roles.Count; i++)
            if (Roles.Validate(info.Roles[i]) is { } problem) throw new InvalidMessageException($"{field}.roles[{i}]", problem);
        if (info.Roles.Distinct().Count() != info.Roles.Count) throw new InvalidMessageException($"{field}.roles", "lists a role twice");
    }

    /// <summary>The Subscribe stream ended (the scheduler went away): keep its tasks for failover_timeout.</summary>
    public void Disconnected(FrameworkRecord framework, FrameworkConnection connection)
    {
        if (framework.Connection != connection) return; // an older stream of a framework that failed over
        connection.Close();
        s.Allocator.DeactivateFramework(framework.Id);
        foreach (var offer in s.Allocator.GetOffers().Where(o => o.FrameworkId == framework.Id)) s.Allocator.Rescind(offer.Id);
        var timeout = TimeSpan.FromSeconds(Math.Min(framework.Info.FailoverTimeout, TimeSpan.MaxValue.TotalSeconds / 2));
        s.Logger.LogInformation("Framework {Framework} disconnected; failover timeout {Timeout}", framework.Id, timeout);
        framework.FailoverTimer?.Dispose();
        framework.FailoverTimer = s.Time.CreateTimer(_ => post(() => FailoverExpired(framework, connection)), null,
            timeout < TimeSpan.FromDays(49) ? timeout : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (timeout == TimeSpan.Zero) FailoverExpired(framework, connection);
        s.Publish(new OperatorEvent { Type = OperatorEvent.Types.Type.FrameworkUpdated, FrameworkUpdated = new() { Framework = StateView.Framework(s, framework) } });
    }

    private void FailoverExpired(FrameworkRecord framework, FrameworkConnection connection)
    {
        if (framework.Connection != connection || !s.Frameworks.ContainsKey(framework.Id)) return; // it came back, or is gone
        s.Logger.LogInformation("Framework {Framework} did not fail over in time; tearing it down", framework.Id);
        Remove(framework);
    }

    /// <summary>TEARDOWN, or failover timeout: kill every task, forget the framework.</summary>
    public void Remove(FrameworkRecord framework)
    {
        framework.FailoverTimer?.Dispose();
        framework.Connection?.Close();
        foreach (var offer in s.Allocator.GetOffers().Where(o => o.FrameworkId == framework.Id)) s.Allocator.Rescind(offer.Id);
        foreach (var agent in s.Agents.Values)
        {
            if (!agent.Tasks.Keys.Any(k => k.Item1 == framework.Id) && !agent.Executors.Keys.Any(k => k.Item1 == framework.Id)) continue;
            agent.Connection?.Send(new MasterMessage { ShutdownFramework = new() { FrameworkId = new FrameworkID { Value = framework.Id.Value } } });
            foreach (var key in agent.Tasks.Keys.Where(k => k.Item1 == framework.Id).ToList()) agent.Tasks.Remove(key);
            foreach (var key in agent.Executors.Keys.Where(k => k.Item1 == framework.Id).ToList()) agent.Executors.Remove(key);
        }
        // Every task goes to the completed list, as in Mesos' removeFramework: live ones as killed,
        // terminal ones whose last update was not acknowledged yet with the state they ended in.
        foreach (var task in framework.Tasks.Values)
        {
            if (!task.IsTerminal)
            {
                task.Task.State = TaskState.TaskKilled;
                task.Task.StatusReason = V1.TaskStatus.Types.Reason.FrameworkRemoved;
            }
            framework.Completed.Enqueue(task.Task);
        }
        while (framework.Completed.Count > s.Options.MaxCompletedTasksPerFramework) framework.Completed.Dequeue();
        framework.Tasks.Clear();
        framework.Unreachable.Clear();
        s.Allocator.RemoveFramework(framework.Id);
        s.Frameworks.Remove(framework.Id);
        s.CompletedFrameworks.Enqueue(framework);
        while (s.CompletedFrameworks.Count > s.Options.MaxCompletedFrameworks) s.CompletedFrameworks.Dequeue();
        s.Publish(new OperatorEvent { Type = OperatorEvent.Types.Type.FrameworkRemoved, FrameworkRemoved = new() { FrameworkInfo = framework.Info } });
    }

    public void Heartbeat()
    {
        foreach (var framework in s.Frameworks.Values)
            s.Send(framework, new SchedulerEvent { Type = SchedulerEvent.Types.Type.Heartbeat });
    }
}
