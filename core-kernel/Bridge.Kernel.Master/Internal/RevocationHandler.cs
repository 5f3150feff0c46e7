using Bridge.Kernel.Allocation;
using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Agent;
using Microsoft.Extensions.Logging;
using Reason = Bridge.Kernel.V1.TaskStatus.Types.Reason;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Kernel.Master.Internal;

/// <summary>
/// Revocation: after an allocation cycle, when a role below its quota guarantee has a connected
/// framework to use what it lacks, the allocator's plan (<see cref="HierarchicalAllocator.PlanRevocations"/>,
/// docs/allocator.md) is carried out: its offers are rescinded, and its tasks are killed through
/// their agents with the plan's grace period (SIGTERM, then SIGKILL). Such a task's TASK_KILLED
/// reaches its framework with REASON_CONTAINER_PREEMPTED (Mesos' reason for preempted containers).
/// A guarantee nobody is asking for kills nothing: that would waste work and help no one.
/// </summary>
internal sealed class RevocationHandler(MasterState s)
{
    public void AfterCycle()
    {
        if (s.Quotas.Count == 0 || !AnyStarvingRoleInUse()) return;
        var plan = s.Allocator.PlanRevocations();
        if (plan.IsEmpty) return;
        foreach (var offer in plan.RescindOffers) s.RescindOffer(offer);
        foreach (var revocation in plan.Revocations) Kill(revocation);
    }

    /// <summary>Marks a terminal update of a revoked task as a preemption before it goes to the framework.</summary>
    public static void Annotate(TaskRecord task, TaskStatus status)
    {
        if (task.Revoked is not { } revocation || status.State != TaskState.TaskKilled) return;
        status.Reason = Reason.ContainerPreempted;
        status.Message = $"Preempted to {revocation.Reason}" + (status.Message.Length > 0 ? $" ({status.Message})" : "");
    }

    private bool AnyStarvingRoleInUse()
    {
        foreach (var (role, quota) in s.Quotas)
        {
            if (quota.Guarantee.IsEmpty || s.Allocator.GetRole(role) is not { } summary || summary.Consumed.Contains(quota.Guarantee)) continue;
            foreach (var framework in s.Frameworks.Values)
                if (framework.Connected && framework.Roles.Any(r => Roles.IsSelfOrAncestor(role, r))) return true;
        }
        return false;
    }

    private void Kill(Revocation revocation)
    {
        if (!s.Frameworks.TryGetValue(revocation.FrameworkId, out var framework) || !framework.Tasks.TryGetValue(revocation.TaskId, out var task) ||
            !s.Agents.TryGetValue(revocation.AgentId, out var agent))
        {
            // An executor's own allocation: the allocator frees it when the executor ends.
            s.Logger.LogWarning("Revocation of {Task} of {Framework}: not a task the master can kill", revocation.TaskId, revocation.FrameworkId);
            return;
        }
        task.Revoked = revocation;
        s.Metrics.TasksRevoked++;
        s.Logger.LogWarning("Revoking task {Task} of {Framework} on {Agent} ({Resources}, role {Role}) to {Reason}; grace period {Grace}",
            task.Id, framework.Id, agent.Id, revocation.Resources, revocation.Role, revocation.Reason, revocation.GracePeriod);
        agent.Connection?.Send(new MasterMessage
        {
            KillTask = new()
            {
                FrameworkId = new FrameworkID { Value = framework.Id.Value },
                TaskId = task.Task.TaskId,
                KillPolicy = new KillPolicy { GracePeriod = new DurationInfo { Nanoseconds = revocation.GracePeriod.Ticks * 100 } },
            },
        });
    }
}
