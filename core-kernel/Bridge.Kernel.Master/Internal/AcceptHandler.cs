using Bridge.Kernel.Allocation;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Agent;
using Task = System.Threading.Tasks.Task;
using Call = Bridge.Kernel.V1.Scheduler.Call;
using OperatorEvent = Bridge.Kernel.V1.Operator.Event;
using Reason = Bridge.Kernel.V1.TaskStatus.Types.Reason;
using Filters = Bridge.Kernel.Allocation.Filters;
using OpType = Bridge.Kernel.V1.Offer.Types.Operation.Types.Type;

namespace Bridge.Kernel.Master.Internal;

/// <summary>
/// ACCEPT and DECLINE (Mesos v1 semantics). ACCEPT validates its offers (known, this framework's,
/// one agent: otherwise its tasks are TASK_DROPPED with REASON_INVALID_OFFERS), then each task
/// (invalid ones get TASK_ERROR with REASON_TASK_INVALID and the rest still launch, as in Mesos;
/// a task group is all or nothing), checks that the tasks fit in what the offers hold, hands the
/// operations to the allocator, and sends the launches to the agent. What is not used returns to
/// the pool with the call's filters. RESERVE, UNRESERVE, CREATE and DESTROY change the agent's
/// checkpointed resources: the new ones are written to the registry before anything is applied.
/// </summary>
internal sealed class AcceptHandler(MasterState s)
{
    public void Decline(FrameworkRecord framework, Call.Types.Decline decline)
    {
        var filters = ToFilters(decline.Filters, "decline.filters");
        var reason = decline.Reason.Length <= DeclinedOffer.MaxReasonLength ? decline.Reason : decline.Reason[..DeclinedOffer.MaxReasonLength];
        foreach (var id in decline.OfferIds)
        {
            var offer = s.Allocator.GetOffer(new OfferId(id.Value));
            if (offer is null || offer.FrameworkId != framework.Id) continue; // Mesos ignores unknown offers in DECLINE
            s.Allocator.Decline(offer.Id, filters);
            s.Metrics.OffersDeclined++;
            s.RecentDeclines.Enqueue(new DeclinedOffer(s.Now, offer.Id.Value, framework.Id.Value, offer.AgentId.Value,
                s.Agents.TryGetValue(offer.AgentId, out var agent) ? agent.Hostname : "", offer.Role, offer.Resources,
                filters?.RefuseSeconds ?? s.Options.Allocator.DefaultRefuse.TotalSeconds, reason));
            while (s.RecentDeclines.Count > MasterState.RecentDeclinesKept) s.RecentDeclines.Dequeue();
        }
        s.Version++;
    }

    public async Task AcceptAsync(FrameworkRecord framework, Call.Types.Accept accept)
    {
        var filters = ToFilters(accept.Filters, "accept.filters");
        var operations = accept.Operations;
        var offers = accept.OfferIds.Select(id => s.Allocator.GetOffer(new OfferId(id.Value))).ToList();
        var offerProblem = accept.OfferIds.Count == 0 ? "ACCEPT names no offer"
            : offers.FindIndex(o => o is null || o.FrameworkId != framework.Id) is var bad and >= 0 ? $"Offer {accept.OfferIds[bad].Value} is no longer valid"
            : offers.Select(o => (o!.AgentId, o.Role)).Distinct().Count() > 1 ? "Offers in one ACCEPT must be for one agent and one role"
            : null;
        if (offerProblem is not null)
        {
            foreach (var o in offers) if (o is not null && o.FrameworkId == framework.Id) s.Allocator.Rescind(o.Id);
            DropAll(framework, operations, TaskState.TaskDropped, Reason.InvalidOffers, offerProblem);
            return;
        }
        var agent = s.Agents[offers[0]!.AgentId];
        var role = offers[0]!.Role;
        var offered = offers.Aggregate(Resources.Empty, (sum, o) => sum.Plus(o!.Resources));
        var plan = Plan(framework, agent, offered, operations);
        var ids = offers.Select(o => o!.Id).ToList();
        if (plan.ChangesTotal && s.Allocator.PreviewAccept(ids, plan.Operations) is { Result.Succeeded: true } preview)
        {
            // Reservations and volumes are stored before they are applied; if the write fails the call
            // fails and the offers stay outstanding, as if it had not been made.
            var checkpointed = Checkpoints.Of(preview.AgentTotal);
            await s.Registry.PutAgentAsync(agent.ToRegistry(checkpointed));
            agent.Checkpointed = checkpointed;
        }
        var result = s.Allocator.Accept(ids, plan.Operations, filters);
        if (!result.Succeeded)
        {
            // The checks above passed but the allocator refused (a reservation that does not fit, say):
            // nothing was applied; the offers return to the pool and every task is in error.
            foreach (var o in offers) s.Allocator.Rescind(o!.Id);
            foreach (var (task, _) in plan.Launches) Error(framework, agent.Id, task.TaskId, Reason.TaskInvalid, result.Error!);
            return;
        }
        if (plan.ChangesTotal) MasterState.SendCheckpoint(agent);
        foreach (var launch in plan.Launches) Launch(framework, agent, role, launch);
        // A task group goes to the agent whole, in one message, as Mesos' RunTaskGroupMessage.
        foreach (var group in plan.Launches.Where(l => l.Plan.Group is not null).GroupBy(l => l.Plan.Group!))
            agent.Connection?.Send(new MasterMessage
            {
                RunTaskGroup = new()
                {
                    Framework = framework.Info,
                    Executor = group.First().Plan.Executor,
                    TaskGroup = new TaskGroupInfo { Tasks = { group.Select(l => l.Task) } },
                },
            });
        s.Version++;
    }

    private sealed record LaunchPlan(TaskInfo Task, Resources Resources)
    {
        public ExecutorInfo? Executor { get; init; }
        public Resources ExecutorResources { get; init; } = Resources.Empty;
        public TaskGroupInfo? Group { get; init; }
    }

    private sealed record Planned(List<OfferOperation> Operations, List<(TaskInfo Task, LaunchPlan Plan)> Launches, bool ChangesTotal);

    private Planned Plan(FrameworkRecord framework, AgentRecord agent, Resources offered, IList<V1.Offer.Types.Operation> operations)
    {
        var ops = new List<OfferOperation>();
        var launches = new List<(TaskInfo, LaunchPlan)>();
        var changesTotal = false;
        var remaining = offered;
        var newExecutors = new HashSet<ExecutorId>();
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i];
            var field = $"accept.operations[{i}]";
            switch (op.Type)
            {
                case OpType.Launch:
                    foreach (var task in op.Launch?.TaskInfos ?? [])
                        if (PlanTask(framework, agent, task, null, ref remaining, newExecutors) is { } plan)
                        {
                            ops.AddRange(LaunchOps(plan));
                            launches.Add((task, plan));
                        }
                    break;
                case OpType.LaunchGroup:
                    PlanGroup(framework, agent, op.LaunchGroup ?? throw new InvalidMessageException($"{field}.launch_group", "is missing"),
                        ref remaining, newExecutors, ops, launches);
                    break;
                case OpType.Reserve:
                    ops.Add(new ReserveOperation(ResourceConversion.ToModel(op.Reserve?.Resources ?? [], $"{field}.reserve.resources")));
                    changesTotal = true;
                    break;
                case OpType.Unreserve:
                    ops.Add(new UnreserveOperation(ResourceConversion.ToModel(op.Unreserve?.Resources ?? [], $"{field}.unreserve.resources")));
                    changesTotal = true;
                    break;
                case OpType.Create:
                    ops.Add(new CreateVolumesOperation(ResourceConversion.ToModel(op.Create?.Volumes ?? [], $"{field}.create.volumes")));
                    changesTotal = true;
                    break;
                case OpType.Destroy:
                    ops.Add(new DestroyVolumesOperation(ResourceConversion.ToModel(op.Destroy?.Volumes ?? [], $"{field}.destroy.volumes")));
                    changesTotal = true;
                    break;
                default:
                    throw new InvalidMessageException($"{field}.type", $"{op.Type} is not LAUNCH, LAUNCH_GROUP, RESERVE, UNRESERVE, CREATE or DESTROY");
            }
        }
        return new Planned(ops, launches, changesTotal);
    }

    private LaunchPlan? PlanTask(FrameworkRecord framework, AgentRecord agent, TaskInfo task, TaskGroupInfo? group,
        ref Resources remaining, HashSet<ExecutorId> newExecutors)
    {
        var (resources, error) = TaskValidation.Validate(task, framework, agent.Id, agent.Executors);
        if (error is not null)
        {
            Error(framework, agent.Id, task.TaskId, Reason.TaskInvalid, error);
            return null;
        }
        var executorResources = Resources.Empty;
        if (task.Executor is { } executor)
        {
            var executorId = new ExecutorId(executor.ExecutorId.Value);
            if (!agent.Executors.ContainsKey((framework.Id, executorId)) && newExecutors.Add(executorId))
                executorResources = ResourceConversion.ToModel(executor.Resources, "executor.resources");
        }
        var needed = resources.Plus(executorResources);
        if (!remaining.TryMinus(needed, out var left))
        {
            Error(framework, agent.Id, task.TaskId, Reason.TaskInvalid,
                $"Task uses more resources ({needed}) than the offers have left ({remaining})");
            return null;
        }
        remaining = left;
        return new LaunchPlan(task, resources) { Executor = task.Executor, ExecutorResources = executorResources, Group = group };
    }

    private void PlanGroup(FrameworkRecord framework, AgentRecord agent, V1.Offer.Types.Operation.Types.LaunchGroup group,
        ref Resources remaining, HashSet<ExecutorId> newExecutors, List<OfferOperation> ops, List<(TaskInfo, LaunchPlan)> launches)
    {
        var tasks = group.TaskGroup?.Tasks ?? [];
        var executor = group.Executor;
        string? problem = executor is null ? "launch_group.executor is missing"
            : IdValidation.Validate(executor.ExecutorId?.Value) is { } idError ? $"launch_group.executor.executor_id {idError}"
            : tasks.Count == 0 ? "launch_group.task_group has no tasks"
            : tasks.Any(t => t.Executor is not null) ? "tasks in a group must not name an executor (the group's executor runs them)"
            : tasks.Select(t => t.TaskId?.Value).Distinct().Count() != tasks.Count ? "task ids in a group must be unique"
            : null;
        var before = remaining;
        var planned = new List<(TaskInfo, LaunchPlan)>();
        var executorResources = Resources.Empty;
        if (problem is null)
        {
            executor = executor!.Clone();
            executor.FrameworkId = new FrameworkID { Value = framework.Id.Value };
            var executorId = new ExecutorId(executor.ExecutorId.Value);
            try
            {
                if (!agent.Executors.ContainsKey((framework.Id, executorId)) && !newExecutors.Contains(executorId))
                    executorResources = ResourceConversion.ToModel(executor.Resources, "launch_group.executor.resources");
            }
            catch (InvalidMessageException e)
            {
                problem = e.Message;
            }
            if (problem is null && !remaining.TryMinus(executorResources, out remaining))
                problem = $"the group's executor needs {executorResources}, more than the offers have ({before})";
            foreach (var task in problem is null ? tasks : [])
            {
                if (PlanTask(framework, agent, task, group.TaskGroup, ref remaining, newExecutors) is not { } plan)
                {
                    problem = $"task {task.TaskId?.Value} of the group is invalid";
                    break;
                }
                planned.Add((task, plan with { Executor = executor, ExecutorResources = planned.Count == 0 ? executorResources : Resources.Empty }));
            }
            if (problem is null) newExecutors.Add(executorId);
        }
        if (problem is not null)
        {
            remaining = before;
            foreach (var task in tasks) Error(framework, agent.Id, task.TaskId, Reason.TaskGroupInvalid, problem);
            return;
        }
        foreach (var (task, plan) in planned)
        {
            ops.AddRange(LaunchOps(plan));
            launches.Add((task, plan));
        }
    }

    private static IEnumerable<OfferOperation> LaunchOps(LaunchPlan plan)
    {
        if (!plan.ExecutorResources.IsEmpty)
            yield return new LaunchOperation(ExecutorRecord.AllocationIdOf(new ExecutorId(plan.Executor!.ExecutorId.Value)), plan.ExecutorResources);
        yield return new LaunchOperation(new TaskId(plan.Task.TaskId.Value), plan.Resources);
    }

    private void Launch(FrameworkRecord framework, AgentRecord agent, string role, (TaskInfo Task, LaunchPlan Plan) launch)
    {
        var (info, plan) = launch;
        info.AgentId = new AgentID { Value = agent.Id.Value };
        var task = new V1.Task
        {
            Name = info.Name,
            TaskId = info.TaskId,
            FrameworkId = new FrameworkID { Value = framework.Id.Value },
            AgentId = info.AgentId,
            ExecutorId = plan.Executor?.ExecutorId,
            State = TaskState.TaskStaging,
            Role = role,
            Labels = info.Labels,
            HealthCheck = info.HealthCheck,
            KillPolicy = info.KillPolicy,
        };
        task.Resources.AddRange(ResourceConversion.ToWire(plan.Resources, role));
        var record = new TaskRecord(task, plan.Resources);
        framework.Tasks[record.Id] = record;
        agent.Tasks[(framework.Id, record.Id)] = record;
        if (plan.Executor is { } executor && !agent.Executors.ContainsKey((framework.Id, new ExecutorId(executor.ExecutorId.Value))))
        {
            executor.FrameworkId = new FrameworkID { Value = framework.Id.Value };
            agent.Executors[(framework.Id, new ExecutorId(executor.ExecutorId.Value))] = new ExecutorRecord(framework.Id, executor, plan.ExecutorResources, role);
        }
        if (plan.Group is null) agent.Connection?.Send(new MasterMessage { RunTask = new() { Framework = framework.Info, Task = info } });
        s.Metrics.CountTaskState(TaskState.TaskStaging);
        s.Publish(new OperatorEvent { Type = OperatorEvent.Types.Type.TaskAdded, TaskAdded = new() { Task = task } });
    }

    private void DropAll(FrameworkRecord framework, IEnumerable<V1.Offer.Types.Operation> operations, TaskState state, Reason reason, string message)
    {
        foreach (var op in operations)
        {
            foreach (var task in op.Launch?.TaskInfos ?? []) Error(framework, null, task.TaskId, reason, message, state);
            foreach (var task in op.LaunchGroup?.TaskGroup?.Tasks ?? []) Error(framework, null, task.TaskId, reason, message, state);
        }
    }

    private void Error(FrameworkRecord framework, AgentId? agent, TaskID? taskId, Reason reason, string message, TaskState state = TaskState.TaskError) =>
        s.SendUpdate(framework, s.MasterStatus(taskId ?? new TaskID(), agent, state, reason, message), state);

    private static Filters? ToFilters(V1.Filters? filters, string field)
    {
        if (filters is null) return null;
        if (!double.IsFinite(filters.RefuseSeconds) || filters.RefuseSeconds < 0)
            throw new InvalidMessageException($"{field}.refuse_seconds", $"{filters.RefuseSeconds} is not a non-negative number of seconds");
        return new Filters(filters.RefuseSeconds);
    }
}
