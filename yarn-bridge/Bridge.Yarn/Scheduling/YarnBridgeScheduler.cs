using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Yarn.Cluster;
using Bridge.Yarn.NodeManagers;
using Bridge.Yarn.ResourceManager.Records;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Yarn.Scheduling;

/// <summary>
/// The decision core of the framework that gives YARN its capacity from the kernel, as Apache Myriad does, as a pure
/// state machine: NodeManager tasks by state (Myriad's <c>SchedulerState</c>: pending, staging, active, killable),
/// flexup and flexdown (<c>MyriadOperations</c>), offers matched to pending NodeManagers
/// (<c>ResourceOffersEventHandler</c>), fine-grained scaling of zero-profile NodeManagers with one placeholder task per
/// YARN container (<c>YarnNodeCapacityManager</c>, <c>NMHeartBeatHandler</c>, <c>OfferLifecycleManager</c>), graceful
/// decommissioning, optional demand-driven autoscaling and reconciliation. The framework shell feeds it the master's
/// events, clock ticks and REST changes, one at a time, and carries out the <see cref="Decisions"/> each returns. The
/// YARN side is reached through <see cref="IYarnCluster"/>, synchronously; nothing here does I/O or reads a clock.
/// Not thread-safe: one writer.
/// <para>Where this differs from Myriad: flexdown decommissions gracefully (YARN stops placing containers on the
/// NodeManager, which is stopped once its containers are gone or <see cref="YarnBridgeOptions.DecommissionTimeout"/>
/// passes; Myriad killed it at once); fine-grained capacity is raised the moment an offer arrives (not at the next
/// NodeManager heartbeat) and works under any queue policy; a failed or lost NodeManager is relaunched under a new task
/// id; a container allocated without an offer behind it (a race with a heartbeat, or an adapter that cannot make
/// capacity follow containers) is backed by the next offer from its host.</para>
/// </summary>
public sealed partial class YarnBridgeScheduler
{
    private readonly YarnBridgeOptions _options;
    private readonly IYarnCluster _yarn;
    private readonly Dictionary<string, NodeManagerTask> _nodeManagers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Placeholder> _placeholders = new(StringComparer.Ordinal);
    // Containers whose placeholder ended while YARN still lists them (the NodeManager saw the container end before its
    // next heartbeat told the ResourceManager), by NodeManager task: never backed again, forgotten once YARN drops them.
    private readonly Dictionary<ContainerId, string> _endedPlaceholders = new();
    private DateTimeOffset _lastReconcile = DateTimeOffset.MinValue;
    private bool _wantsOffers = true;
    private bool _initialFlexDone;

    /// <summary>A core with no NodeManagers.</summary>
    /// <exception cref="ArgumentException">The options are invalid (<see cref="YarnBridgeOptions.Validate"/> says why).</exception>
    public YarnBridgeScheduler(YarnBridgeOptions options, IYarnCluster yarn)
    {
        if (options.Validate() is { } problem) throw new ArgumentException(problem, nameof(options));
        _options = options;
        _yarn = yarn;
    }

    /// <summary>The settings.</summary>
    public YarnBridgeOptions Options => _options;

    /// <summary>The framework id the master gave, or null before the first subscription.</summary>
    public string? FrameworkId { get; private set; }

    /// <summary>Every NodeManager task, by task id (ordinal).</summary>
    public IEnumerable<NodeManagerTask> NodeManagers => _nodeManagers.Values.OrderBy(t => t.TaskId, StringComparer.Ordinal);

    /// <summary>Every placeholder task, by task id (ordinal).</summary>
    public IEnumerable<Placeholder> Placeholders => _placeholders.Values.OrderBy(p => p.TaskId, StringComparer.Ordinal);

    /// <summary>The NodeManager task <paramref name="taskId"/>, or null.</summary>
    public NodeManagerTask? NodeManager(string taskId) => _nodeManagers.GetValueOrDefault(taskId);

    /// <summary>NodeManager tasks in <paramref name="state"/>, by task id.</summary>
    public IEnumerable<NodeManagerTask> InState(NodeManagerTaskState state) => NodeManagers.Where(t => t.State == state);

    /// <summary>
    /// The framework (re)subscribed with <paramref name="frameworkId"/>: asks the master about every task the core believes
    /// launched (explicit reconciliation; a task the master lost with its agent is answered TASK_LOST and relaunched; with
    /// none known, implicit: tasks the master reports that the core does not know are killed in <see cref="OnStatus"/>, known
    /// ones adopted), flexes up <see cref="YarnBridgeOptions.InitialInstances"/> on a first start with no NodeManagers,
    /// and says whether offers are wanted. A framework id other than the one restored means the master forgot the old
    /// framework and its tasks: every launched NodeManager is treated as lost (relaunched unless flexed down).
    /// </summary>
    public void Subscribed(string frameworkId, DateTimeOffset now, Decisions decisions)
    {
        if (FrameworkId != frameworkId)
        {
            // A new id for a framework that had one: the master tore the old one down (its failover timeout passed) and
            // killed its tasks. Every launched task is gone: NodeManagers are relaunched (unless flexed down).
            if (FrameworkId is { } old)
            {
                var lost = new TaskStatus { State = TaskState.TaskLost, Message = $"framework {old} was replaced by {frameworkId}" };
                foreach (var nm in _nodeManagers.Values.Where(t => t.IsLaunched).ToList()) NodeManagerEnded(nm, lost, now, decisions);
                _placeholders.Clear();
            }
            FrameworkId = frameworkId;
            decisions.Changed = true;
        }
        // Explicit reconciliation of every task this bridge believes launched (Mesos' advice: implicit reconciliation
        // only reports tasks the master knows, so a task lost with its agent would never be heard of); none: implicit.
        decisions.Reconcile = [.. KnownTasks()];
        _lastReconcile = now;
        if (!_initialFlexDone && _nodeManagers.Count == 0)
            foreach (var (profile, n) in _options.InitialInstances.OrderBy(p => p.Key, StringComparer.Ordinal))
                if (n > 0) AddPending(_options.Profiles[profile], n, null, now, decisions, "initial");
        _initialFlexDone = true;
        _wantsOffers = !WantsOffers();
        UpdateOfferInterest(decisions);
    }

    /// <summary>
    /// A task's status. A NodeManager's: STAGING/STARTING keep it staging, RUNNING makes it active, FINISHED/KILLED end
    /// it, FAILED/LOST/ERROR/DROPPED/GONE relaunch it (a new pending task, as Myriad's move back to pending), and a
    /// flexed-down one ends whatever the state; when it ends, its placeholders are forgotten and its YARN node
    /// decommissioned at once. A placeholder's: RUNNING marks it running; a terminal state forgets it. A task the core
    /// does not know that is not terminal is killed.
    /// </summary>
    public void OnStatus(TaskStatus status, DateTimeOffset now, Decisions decisions)
    {
        var id = status.TaskId?.Value ?? "";
        if (_nodeManagers.TryGetValue(id, out var nm)) OnNodeManagerStatus(nm, status, now, decisions);
        else if (_placeholders.TryGetValue(id, out var placeholder)) OnPlaceholderStatus(placeholder, status, now, decisions);
        else if (!TaskStates.IsTerminal(status.State))
        {
            decisions.Kills.Add(new Kill(id, status.AgentId?.Value is { Length: > 0 } a ? a : null, null));
            decisions.Event("unknown_task_killed", now, $"task {id} is not the bridge's: killed", id);
        }
        UpdateOfferInterest(decisions);
    }

    /// <summary>
    /// The clock moved: YARN is looked at (<see cref="SyncYarn"/>), autoscaling decides, and every known task is
    /// reconciled when <see cref="YarnBridgeOptions.ReconcileInterval"/> has passed.
    /// </summary>
    public void Tick(DateTimeOffset now, Decisions decisions)
    {
        SyncYarn(now, decisions);
        Autoscale(now, decisions);
        if (now - _lastReconcile >= _options.ReconcileInterval)
        {
            decisions.Reconcile = [.. KnownTasks()];
            _lastReconcile = now;
        }
        UpdateOfferInterest(decisions);
    }

    private IEnumerable<(string TaskId, string AgentId)> KnownTasks() =>
        NodeManagers.Where(t => t.AgentId is not null).Select(t => (t.TaskId, t.AgentId!))
            .Concat(Placeholders.Select(p => (p.TaskId, p.AgentId)));

    private void OnNodeManagerStatus(NodeManagerTask nm, TaskStatus status, DateTimeOffset now, Decisions decisions)
    {
        switch (status.State)
        {
            case TaskState.TaskStaging or TaskState.TaskStarting:
                if (nm.State == NodeManagerTaskState.Pending) return; // a stale update for a launch not recorded
                break;
            case TaskState.TaskRunning:
                if (nm.State == NodeManagerTaskState.Pending) return;
                if (!nm.Running)
                {
                    nm.Running = true;
                    decisions.Changed = true;
                    decisions.Event("nodemanager_running", now, $"NodeManager {nm.TaskId} runs on {nm.Hostname} as {nm.NodeId}", nm.TaskId);
                }
                if (nm.State == NodeManagerTaskState.Staging) nm.Enter(NodeManagerTaskState.Active, now);
                // Still alive although its kill went out (lost, or the agent restarted): ask again.
                if (nm.KillSent) decisions.Kills.Add(new Kill(nm.TaskId, nm.AgentId, _options.KillGracePeriod));
                break;
            default:
                if (TaskStates.IsTerminal(status.State)) NodeManagerEnded(nm, status, now, decisions);
                break;
        }
    }

    private void NodeManagerEnded(NodeManagerTask nm, TaskStatus status, DateTimeOffset now, Decisions decisions)
    {
        _nodeManagers.Remove(nm.TaskId);
        decisions.Changed = true;
        foreach (var p in _placeholders.Values.Where(p => p.NodeManagerTaskId == nm.TaskId).ToList()) _placeholders.Remove(p.TaskId);
        foreach (var (c, _) in _endedPlaceholders.Where(e => e.Value == nm.TaskId).ToList()) _endedPlaceholders.Remove(c);
        // Its process is gone: YARN's containers there are too. Decommissioning with no timeout has the ResourceManager
        // end them (ABORTED) at once instead of after the NodeManager liveness expiry.
        if (nm.NodeId is { } node && _yarn.Node(node) is { IsActive: true }) _yarn.Decommission(node, TimeSpan.Zero, now);
        var state = TaskStates.Name(status.State);
        var relaunch = nm.State != NodeManagerTaskState.Killable
            && status.State is not (TaskState.TaskFinished or TaskState.TaskKilled or TaskState.TaskGoneByOperator);
        decisions.Event("nodemanager_ended", now, $"NodeManager {nm.TaskId} on {nm.Hostname ?? "no host"} ended: {state} {status.Message}".TrimEnd(), nm.TaskId);
        if (relaunch) AddPending(nm.Profile, 1, nm.Constraint, now, decisions, $"relaunch of {nm.TaskId}");
    }

    private void OnPlaceholderStatus(Placeholder placeholder, TaskStatus status, DateTimeOffset now, Decisions decisions)
    {
        if (status.State == TaskState.TaskRunning)
        {
            if (placeholder.State == PlaceholderState.Launched)
            {
                placeholder.State = PlaceholderState.Running;
                placeholder.Since = now;
                decisions.Changed = true;
            }
            else if (placeholder.State == PlaceholderState.Killing)
                decisions.Kills.Add(new Kill(placeholder.TaskId, placeholder.AgentId, null));
            return;
        }
        if (!TaskStates.IsTerminal(status.State)) return;
        _placeholders.Remove(placeholder.TaskId);
        // FINISHED and KILLED are the executor's word that the container ended; a placeholder that failed to launch (ERROR,
        // LOST, ...) leaves its container to be backed by the next offer.
        if (status.State is TaskState.TaskFinished or TaskState.TaskKilled) _endedPlaceholders[placeholder.ContainerId] = placeholder.NodeManagerTaskId;
        decisions.Changed = true;
        decisions.Event("placeholder_ended", now,
            $"placeholder {placeholder.TaskId} ({placeholder.Resource}) on {placeholder.Hostname} ended: {TaskStates.Name(status.State)}", placeholder.NodeManagerTaskId);
    }

    private bool WantsOffers() =>
        _nodeManagers.Values.Any(t => t.State == NodeManagerTaskState.Pending)
        || (_nodeManagers.Values.Any(t => t.IsFineGrained && t.State == NodeManagerTaskState.Active) && _yarn.Demand().Any);

    /// <summary>Says REVIVE or SUPPRESS when whether offers are wanted has changed: wanted while a NodeManager is pending,
    /// or while a fine-grained NodeManager runs and YARN has demand pending.</summary>
    private void UpdateOfferInterest(Decisions decisions)
    {
        var wants = WantsOffers();
        if (wants == _wantsOffers) return;
        _wantsOffers = wants;
        decisions.WantOffers = wants;
    }
}
