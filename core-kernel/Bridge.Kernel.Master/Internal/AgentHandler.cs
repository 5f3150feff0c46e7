using Bridge.Kernel.Master.Registry;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Agent;
using Microsoft.Extensions.Logging;
using OperatorEvent = Bridge.Kernel.V1.Operator.Event;
using Reason = Bridge.Kernel.V1.TaskStatus.Types.Reason;
using SchedulerEvent = Bridge.Kernel.V1.Scheduler.Event;

namespace Bridge.Kernel.Master.Internal;

/// <summary>
/// Agent lifecycle: REGISTER (a new id, admitted in the registry), REREGISTER (after an agent restart, a partition or a
/// master restart: the agent's tasks and frameworks are taken back), pings every
/// <see cref="MasterOptions.PingInterval"/> with <see cref="MasterOptions.MaxMissedPings"/> allowed
/// misses, and marking an agent unreachable (rate-limited): its offers are rescinded, its tasks
/// become TASK_UNREACHABLE for partition-aware frameworks and TASK_LOST for the others, and every
/// framework hears FAILURE for the agent.
/// </summary>
internal sealed class AgentHandler(MasterState s)
{
    private readonly Queue<DateTimeOffset> _recentRemovals = new();

    public async Task<AgentRecord> RegisterAsync(AgentConnection connection, AgentMessage.Types.Register register)
    {
        var info = register.AgentInfo ?? throw new InvalidMessageException("register.agent_info", "is missing");
        var (total, attributes) = Validate(info, "register.agent_info");
        var id = s.NewAgentId();
        // Admitted once the registry has it (Mesos' AdmitSlave): a master restarted later knows the id.
        await s.Registry.PutAgentAsync(new RegisteredAgent(id, info.Hostname, info.Address, Resources.Empty));
        info.Id = new AgentID { Value = id.Value };
        var agent = new AgentRecord(id, info, register.Version, s.Now) { Connection = connection };
        s.Agents.Add(id, agent);
        s.Allocator.AddAgent(id, info.Hostname, total, attributes);
        s.Logger.LogInformation("Agent {Agent} registered from {Hostname} with {Resources}", id, info.Hostname, total);
        connection.Send(new MasterMessage { Registered = new() { AgentId = info.Id, MasterInfo = s.Info, TotalPingTimeoutSeconds = PingTimeoutSeconds } });
        s.Publish(new OperatorEvent { Type = OperatorEvent.Types.Type.AgentAdded, AgentAdded = new() { Agent = StateView.Agent(s, agent) } });
        return agent;
    }

    /// <summary>
    /// REREGISTER. The master's record of the agent's checkpointed resources (from this run, or from
    /// the registry after a restart) wins over the agent's own; an agent the master does not know at
    /// all is admitted with what it reports. Written to the registry first when anything it keeps changed.
    /// </summary>
    public async Task<AgentRecord> ReregisterAsync(AgentConnection connection, AgentMessage.Types.Reregister reregister)
    {
        var info = reregister.AgentInfo ?? throw new InvalidMessageException("reregister.agent_info", "is missing");
        if (IdValidation.Validate(info.Id?.Value) is { } idError) throw new InvalidMessageException("reregister.agent_info.id", idError);
        var (reported, attributes) = Validate(info, "reregister.agent_info");
        var reportedCheckpoint = Checkpoints.Of(ResourceConversion.ToModel(reregister.CheckpointedResources, "reregister.checkpointed_resources"));
        var id = new AgentId(info.Id!.Value);
        s.Agents.TryGetValue(id, out var agent);
        s.Recovered.TryGetValue(id, out var recovered);
        var stored = agent?.Checkpointed ?? recovered?.Checkpointed;
        var (total, checkpointed) = Admit(id, reported, stored, reportedCheckpoint);
        var record = new RegisteredAgent(id, info.Hostname, info.Address, checkpointed);
        var known = agent is not null ? agent.ToRegistry(agent.Checkpointed) : recovered;
        if (known != record) await s.Registry.PutAgentAsync(record);

        s.Recovered.Remove(id);
        var reportedTasks = reregister.Tasks.Select(t => (t.FrameworkId?.Value, t.TaskId?.Value)).ToHashSet();
        var missing = agent is null ? [] : agent.Tasks.Values.Where(t => !t.IsTerminal && !reportedTasks.Contains((t.FrameworkId.Value, t.Id.Value))).ToList();
        if (agent is not null)
        {
            agent.Connection?.Close();
            if (agent.Reachable) Forget(agent); // a restarted agent process: take its state afresh
        }
        agent = new AgentRecord(id, info, reregister.Version, agent?.RegisteredAt ?? s.Now) { Connection = connection, Checkpointed = checkpointed };
        s.Agents[id] = agent;
        s.Allocator.AddAgent(id, info.Hostname, total, attributes);
        foreach (var fw in reregister.Frameworks) Recover(fw);
        foreach (var executor in reregister.Executors) RecoverExecutor(agent, executor);
        foreach (var task in reregister.Tasks) RecoverTask(agent, task);
        foreach (var task in missing) Vanished(agent, task);
        s.Logger.LogInformation("Agent {Agent} re-registered from {Hostname} with {Tasks} tasks{Recovered}", id, info.Hostname, reregister.Tasks.Count,
            recovered is not null ? " (from the registry)" : "");
        connection.Send(new MasterMessage { Reregistered = new() { AgentId = info.Id, MasterInfo = s.Info, TotalPingTimeoutSeconds = PingTimeoutSeconds } });
        if (!checkpointed.Equals(reportedCheckpoint)) MasterState.SendCheckpoint(agent);
        s.Publish(new OperatorEvent { Type = OperatorEvent.Types.Type.AgentAdded, AgentAdded = new() { Agent = StateView.Agent(s, agent) } });
        return agent;
    }

    /// <summary>The agent's total and checkpointed resources: the master's record if it fits what the
    /// agent reports, else the agent's own account, else none.</summary>
    private (Resources Total, Resources Checkpointed) Admit(AgentId id, Resources reported, Resources? stored, Resources reportedCheckpoint)
    {
        if (stored is not null && Checkpoints.TryApply(reported, stored, out var total)) return (total, stored);
        if (stored is not null)
            s.Logger.LogWarning("Agent {Agent} no longer has what its checkpointed resources {Checkpointed} were made from ({Resources}); using its own account",
                id, stored, reported);
        if (Checkpoints.TryApply(reported, reportedCheckpoint, out total)) return (total, reportedCheckpoint);
        return (reported, Resources.Empty);
    }

    /// <summary>After a restart, agents in the registry that did not re-register within
    /// <see cref="MasterOptions.AgentReregisterTimeout"/> are removed from it (their ids are admitted
    /// again, as unknown agents, if they come back later).</summary>
    public async Task<bool> ExpireRecoveredAsync()
    {
        if (s.Recovered.Count == 0 || s.Now < s.RecoveredDeadline) return false;
        foreach (var id in s.Recovered.Keys.ToList())
        {
            await s.Registry.RemoveAgentAsync(id);
            s.Recovered.Remove(id);
            s.Logger.LogWarning("Agent {Agent} did not re-register within {Timeout}; removed from the registry", id, s.Options.AgentReregisterTimeout);
            s.Version++;
        }
        return true;
    }

    private (Resources, Attributes) Validate(AgentInfo info, string field)
    {
        if (string.IsNullOrWhiteSpace(info.Hostname)) throw new InvalidMessageException($"{field}.hostname", "is empty");
        var total = ResourceConversion.ToModel(info.Resources, $"{field}.resources");
        var attributes = ResourceConversion.ToModel(info.Attributes, $"{field}.attributes");
        return (total, attributes);
    }

    private void Recover(FrameworkInfo info)
    {
        if (info.Id is not { Value.Length: > 0 } id || s.Frameworks.ContainsKey(new FrameworkId(id.Value))) return;
        if (s.CompletedFrameworks.Any(f => f.Id.Value == id.Value)) return;
        var framework = new FrameworkRecord(new FrameworkId(id.Value), info, s.Now) { Recovered = true };
        s.Frameworks.Add(framework.Id, framework);
        s.Allocator.AddFramework(framework.Id, framework.Roles, active: false);
    }

    private void RecoverExecutor(AgentRecord agent, ExecutorInfo executor)
    {
        var frameworkId = new FrameworkId(executor.FrameworkId?.Value ?? "");
        if (!s.Frameworks.TryGetValue(frameworkId, out var framework)) return;
        var resources = ResourceConversion.ToModel(executor.Resources, "reregister.executors.resources");
        var record = new ExecutorRecord(frameworkId, executor, resources, framework.Roles[0]);
        agent.Executors[(frameworkId, new ExecutorId(executor.ExecutorId.Value))] = record;
        if (!resources.IsEmpty) s.Allocator.AddTask(frameworkId, agent.Id, record.AllocationId, record.Role, resources, 0, s.Now);
    }

    private void RecoverTask(AgentRecord agent, V1.Task task)
    {
        var frameworkId = new FrameworkId(task.FrameworkId?.Value ?? "");
        if (!s.Frameworks.TryGetValue(frameworkId, out var framework))
        {
            // A framework torn down while the agent was away: its tasks must not outlive it.
            agent.Connection?.Send(new MasterMessage { ShutdownFramework = new() { FrameworkId = task.FrameworkId } });
            return;
        }
        var taskId = new TaskId(task.TaskId.Value);
        var wasLost = !framework.Tasks.ContainsKey(taskId) && !framework.Unreachable.ContainsKey(taskId) &&
                      framework.Completed.Any(t => t.TaskId.Value == taskId.Value && t.State == TaskState.TaskLost);
        framework.Unreachable.Remove(taskId);
        task.AgentId = new AgentID { Value = agent.Id.Value };
        if (string.IsNullOrEmpty(task.Role)) task.Role = framework.Roles[0];
        var resources = ResourceConversion.ToModel(task.Resources, "reregister.tasks.resources");
        var record = new TaskRecord(task, resources);
        framework.Tasks[taskId] = record;
        agent.Tasks[(frameworkId, taskId)] = record;
        if (!record.IsTerminal) s.Allocator.AddTask(frameworkId, agent.Id, taskId, record.Role, resources, 0, s.Now);
        if (wasLost)
            // The framework was told TASK_LOST (it is not partition-aware) and has moved on: the task is killed.
            agent.Connection?.Send(new MasterMessage { KillTask = new() { FrameworkId = task.FrameworkId, TaskId = task.TaskId } });
    }

    /// <summary>A task the master had on the agent that the re-registering agent does not know (its
    /// launch was lost, or the agent lost its checkpoints): the framework hears TASK_GONE
    /// (partition-aware) or TASK_LOST, with REASON_AGENT_RESTARTED, so it can launch it again.</summary>
    private void Vanished(AgentRecord agent, TaskRecord task)
    {
        if (!s.Frameworks.TryGetValue(task.FrameworkId, out var framework)) return;
        var state = framework.PartitionAware ? TaskState.TaskGone : TaskState.TaskLost;
        var status = s.MasterStatus(task.Task.TaskId, agent.Id, state, Reason.AgentRestarted, $"Agent {agent.Hostname} re-registered without this task");
        task.Task.State = state;
        task.Task.StatusReason = Reason.AgentRestarted;
        task.Task.Statuses.Add(status);
        framework.Tasks[task.Id] = task; // Complete moves it from the live set
        s.Complete(task);
        s.SendUpdate(framework, status, state);
    }

    /// <summary>Drops what the master knew of an agent before it re-registers with its own account.</summary>
    private void Forget(AgentRecord agent)
    {
        foreach (var offer in s.Allocator.GetOffers().Where(o => o.AgentId == agent.Id)) s.NotifyRescinded(offer);
        s.Allocator.RemoveAgent(agent.Id);
        foreach (var ((frameworkId, taskId), _) in agent.Tasks)
            if (s.Frameworks.TryGetValue(frameworkId, out var framework)) framework.Tasks.Remove(taskId);
    }

    /// <summary>What an agent is told to wait, at most, between two messages from the master: a ping round more than
    /// the master itself waits before it marks the agent unreachable.</summary>
    private double PingTimeoutSeconds => s.Options.PingInterval.TotalSeconds * (s.Options.MaxMissedPings + 1);

    public void Pong(AgentRecord agent, AgentMessage.Types.Pong pong)
    {
        if (pong.Sequence != agent.PingSequence) return;
        agent.PongPending = false;
        agent.MissedPings = 0;
    }

    public void Disconnected(AgentRecord agent, AgentConnection connection)
    {
        if (agent.Connection != connection) return;
        connection.Close();
        agent.Connection = null;
        s.Logger.LogInformation("Agent {Agent} disconnected; unreachable after {Misses} missed pings", agent.Id, s.Options.MaxMissedPings);
        // Offers on a disconnected agent cannot be launched on: rescind them now (Mesos does the same).
        foreach (var offer in s.Allocator.GetOffers().Where(o => o.AgentId == agent.Id)) s.RescindOffer(offer.Id);
    }

    /// <summary>Every ping interval: count the misses of the last round and ping again.</summary>
    public void PingTick()
    {
        foreach (var agent in s.Agents.Values.Where(a => a.Reachable).ToList())
        {
            if (agent.PongPending || agent.Connection is null) agent.MissedPings++;
            if (agent.MissedPings >= s.Options.MaxMissedPings)
            {
                if (TryTakeRemovalPermit()) MarkUnreachable(agent);
                continue;
            }
            if (agent.Connection is null) continue;
            agent.PingSequence++;
            agent.PongPending = true;
            agent.Connection.Send(new MasterMessage { Ping = new() { Sequence = agent.PingSequence } });
        }
    }

    private bool TryTakeRemovalPermit()
    {
        if (s.Options.MaxAgentRemovalsPerMinute is not { } limit) return true;
        while (_recentRemovals.TryPeek(out var at) && s.Now - at >= TimeSpan.FromMinutes(1)) _recentRemovals.Dequeue();
        if (_recentRemovals.Count >= limit) return false;
        _recentRemovals.Enqueue(s.Now);
        return true;
    }

    public void MarkUnreachable(AgentRecord agent)
    {
        s.Logger.LogWarning("Agent {Agent} ({Hostname}) is unreachable after {Misses} missed pings", agent.Id, agent.Hostname, agent.MissedPings);
        agent.Reachable = false;
        agent.Connection?.Close();
        agent.Connection = null;
        foreach (var offer in s.Allocator.GetOffers().Where(o => o.AgentId == agent.Id)) s.NotifyRescinded(offer);
        s.Allocator.RemoveAgent(agent.Id);
        foreach (var ((frameworkId, taskId), task) in agent.Tasks)
        {
            if (!s.Frameworks.TryGetValue(frameworkId, out var framework) || task.IsTerminal) continue;
            var state = framework.PartitionAware ? TaskState.TaskUnreachable : TaskState.TaskLost;
            task.Task.State = state;
            task.Task.StatusReason = Reason.AgentRemoved;
            var status = s.MasterStatus(task.Task.TaskId, agent.Id, state, Reason.AgentRemoved, $"Agent {agent.Hostname} is unreachable");
            task.Task.Statuses.Add(status);
            framework.Tasks.Remove(taskId);
            if (framework.PartitionAware) framework.Unreachable[taskId] = task;
            else
            {
                framework.Completed.Enqueue(task.Task);
                while (framework.Completed.Count > s.Options.MaxCompletedTasksPerFramework) framework.Completed.Dequeue();
            }
            s.SendUpdate(framework, status, state);
        }
        agent.Tasks.Clear();
        agent.Executors.Clear();
        foreach (var framework in s.Frameworks.Values)
            s.Send(framework, new SchedulerEvent { Type = SchedulerEvent.Types.Type.Failure, Failure = new() { AgentId = new AgentID { Value = agent.Id.Value } } });
        s.Publish(new OperatorEvent { Type = OperatorEvent.Types.Type.AgentRemoved, AgentRemoved = new() { AgentId = new AgentID { Value = agent.Id.Value } } });
    }
}
