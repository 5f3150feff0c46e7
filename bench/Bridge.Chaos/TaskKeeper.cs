using Bridge.Kernel.Protocol;
using Bridge.Kernel.Scheduler;
using Bridge.Kernel.V1;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Chaos;

/// <summary>
/// The chaos suite's framework: keeps <c>target</c> long-running tasks (<c>sleep</c>, 0.1 cpus and 16 MB each) up, one
/// launch per missing task, and remembers every task that ever reached a state other than STAGING, STARTING, RUNNING
/// or KILLING without being asked to (<see cref="Lost"/>): under chaos that is a task the system lost. On every
/// (re-)subscription it reconciles its tasks explicitly, as a Mesos framework does after a failover.
/// </summary>
/// <param name="target">Tasks to keep running.</param>
/// <param name="maxPerAgent">At most this many live tasks on one agent, so the tasks spread over the agents.</param>
/// <param name="command">The tasks' shell command.</param>
public sealed class TaskKeeper(int target, int maxPerAgent, string command = "sleep 3600") : Scheduler
{
    private readonly object _lock = new();
    private readonly Dictionary<string, (AgentID? Agent, TaskState State)> _tasks = new();
    private readonly HashSet<string> _lost = new();
    private readonly HashSet<string> _confirmed = new();
    private readonly HashSet<string> _unacknowledged = new();
    private int _next;
    private volatile bool _confirming;

    /// <summary>Tasks that ended, or were reported lost, unreachable or gone, without being killed by this framework.</summary>
    public IReadOnlyCollection<string> Lost
    {
        get
        {
            lock (_lock) return _lost.ToList();
        }
    }

    /// <summary>Tasks running now, as last reported.</summary>
    public int Running
    {
        get
        {
            lock (_lock) return _tasks.Values.Count(t => t.State == TaskState.TaskRunning);
        }
    }

    /// <summary>Tasks launched so far.</summary>
    public int Launched
    {
        get
        {
            lock (_lock) return _next;
        }
    }

    /// <summary>The agent each live task runs on.</summary>
    public IReadOnlyDictionary<string, string> Placement
    {
        get
        {
            lock (_lock) return _tasks.Where(t => t.Value.Agent is not null).ToDictionary(t => t.Key, t => t.Value.Agent!.Value);
        }
    }

    /// <inheritdoc />
    public override Task SubscribedAsync(SchedulerDriver driver, FrameworkID frameworkId, bool reconnected) => ReconcileAsync(driver);

    private Task ReconcileAsync(SchedulerDriver driver)
    {
        List<(TaskID, AgentID?)> tasks;
        lock (_lock) tasks = _tasks.Select(t => (new TaskID { Value = t.Key }, t.Value.Agent)).ToList();
        return tasks.Count == 0 ? Task.CompletedTask : Quietly(driver.ReconcileAsync(tasks));
    }

    /// <inheritdoc />
    public override async Task OffersAsync(SchedulerDriver driver, IReadOnlyList<Offer> offers)
    {
        foreach (var offer in offers)
        {
            var launch = new List<TaskInfo>();
            lock (_lock)
            {
                var missing = Math.Min(target - _tasks.Values.Count(t => !TaskStates.IsTerminal(t.State)),
                    maxPerAgent - _tasks.Values.Count(t => t.Agent?.Value == offer.AgentId.Value && !TaskStates.IsTerminal(t.State)));
                var cpus = Scalar(offer, "cpus");
                var mem = Scalar(offer, "mem");
                while (launch.Count < missing && cpus >= 0.1 * (launch.Count + 1) - 1e-9 && mem >= 16 * (launch.Count + 1))
                {
                    var id = $"chaos-{++_next:D5}";
                    _tasks[id] = (offer.AgentId, TaskState.TaskStaging);
                    launch.Add(new TaskInfo
                    {
                        Name = id,
                        TaskId = new TaskID { Value = id },
                        Command = new CommandInfo { Value = command },
                        Resources =
                        {
                            new Resource { Name = "cpus", Type = Value.Types.Type.Scalar, Scalar = new() { Value = 0.1 } },
                            new Resource { Name = "mem", Type = Value.Types.Type.Scalar, Scalar = new() { Value = 16 } },
                        },
                    });
                }
            }
            if (launch.Count == 0)
            {
                await Quietly(driver.DeclineAsync([offer.Id], refuseSeconds: 1));
                continue;
            }
            if (!await Quietly(driver.LaunchAsync(offer, launch, refuseSeconds: 1)))
                // Not acknowledged (a failover in between): whether it launched is unknown, so a later TASK_LOST is no loss.
                lock (_lock) foreach (var task in launch) _unacknowledged.Add(task.TaskId.Value);
        }
    }

    private static double Scalar(Offer offer, string name) => offer.Resources.Where(r => r.Name == name && r.Scalar is not null).Sum(r => r.Scalar.Value);

    /// <inheritdoc />
    public override Task UpdateAsync(SchedulerDriver driver, TaskStatus status)
    {
        var id = status.TaskId.Value;
        lock (_lock)
        {
            if (!_tasks.TryGetValue(id, out var known)) return Task.CompletedTask;
            _tasks[id] = (status.AgentId ?? known.Agent, status.State);
            if (status.State is not (TaskState.TaskStaging or TaskState.TaskStarting or TaskState.TaskRunning or TaskState.TaskKilling) && !_unacknowledged.Contains(id))
                _lost.Add(id);
            if (status.State == TaskState.TaskRunning && status.Reason == TaskStatus.Types.Reason.Reconciliation && _confirming) _confirmed.Add(id);
            if (TaskStates.IsTerminal(status.State)) _tasks.Remove(id);
        }
        return Task.CompletedTask;
    }

    /// <summary>Waits until <c>target</c> tasks run, as last reported.</summary>
    /// <exception cref="TimeoutException">They did not within <paramref name="timeout"/>.</exception>
    public async Task WaitRunningAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Running < target)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Running} of {target} tasks are running after {timeout.TotalSeconds:0} s");
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>
    /// Asks the master about every task (explicit reconciliation) until each is confirmed RUNNING by an answer to such a
    /// request, or <paramref name="timeout"/> passes; returns the tasks not confirmed (also counted in <see cref="Lost"/>).
    /// </summary>
    public async Task<IReadOnlyList<string>> ConfirmAsync(SchedulerDriver driver, TimeSpan timeout, CancellationToken cancellationToken)
    {
        lock (_lock) _confirmed.Clear();
        _confirming = true;
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            List<string> unconfirmed;
            lock (_lock) unconfirmed = _tasks.Keys.Where(id => !_confirmed.Contains(id)).ToList();
            if (unconfirmed.Count == 0) return [];
            if (DateTime.UtcNow > deadline)
            {
                lock (_lock) foreach (var id in unconfirmed) _lost.Add(id);
                return unconfirmed;
            }
            await ReconcileAsync(driver);
            await Task.Delay(500, cancellationToken);
        }
    }

    /// <summary>Whether the call was acknowledged; a failover in between is no error (the re-subscription reconciles, and offers come again).</summary>
    private static async Task<bool> Quietly(Task call)
    {
        try
        {
            await call;
            return true;
        }
        catch (Exception e) when (e is Bridge.Rpc.RpcException or InvalidOperationException or IOException or HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Tasks whose launch was never acknowledged (a failover in between).</summary>
    public int Unacknowledged
    {
        get
        {
            lock (_lock) return _unacknowledged.Count;
        }
    }
}
