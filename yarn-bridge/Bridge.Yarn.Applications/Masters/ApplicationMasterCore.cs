using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.Applications.Masters;

/// <summary>How a container's end counts for the work it ran.</summary>
public enum ContainerOutcome
{
    /// <summary>Exit status 0.</summary>
    Succeeded,
    /// <summary>The work failed: any other exit status of its own (including exceeding memory), or the container could not be started. Counts toward the master's attempt limit.</summary>
    Failed,
    /// <summary>The platform ended it, not the work: released or lost with its node (ABORTED), preempted, disks failed, killed by the ResourceManager or the AM. Does not count: the work is asked for again.</summary>
    Killed,
}

/// <summary>Classifies exit statuses (<see cref="ContainerExitStatus"/>) as Hadoop's masters do.</summary>
public static class ContainerOutcomes
{
    /// <summary>
    /// 0 → Succeeded; ABORTED (−100), DISKS_FAILED (−101), PREEMPTED (−102), KILLED_BY_APPMASTER (−105),
    /// KILLED_BY_RESOURCEMANAGER (−106), KILLED_AFTER_APP_COMPLETION (−107) → Killed (MapReduce's
    /// RMContainerAllocator sends TA_KILL, not TA_FAILED, for containers the framework ended); anything else →
    /// Failed.
    /// </summary>
    public static ContainerOutcome Of(int exitStatus) => exitStatus switch
    {
        ContainerExitStatus.Success => ContainerOutcome.Succeeded,
        ContainerExitStatus.Aborted or ContainerExitStatus.DisksFailed or ContainerExitStatus.Preempted
            or ContainerExitStatus.KilledByAppMaster or ContainerExitStatus.KilledByResourceManager
            or ContainerExitStatus.KilledAfterAppCompletion => ContainerOutcome.Killed,
        _ => ContainerOutcome.Failed,
    };
}

/// <summary>
/// The bookkeeping every master shares, around its own decisions: the ask table (<see cref="AskTable{TWork}"/>),
/// which container runs which work, surplus containers (released), completions of unknown containers (ignored:
/// released ones, or a previous attempt's), launch failures, kill and finish. A master says what work wants a
/// container (<see cref="Request"/>), what to run in one (<see cref="CreateLaunch"/>) and what a container's end
/// means (<see cref="OnContainerEnded"/>), and finishes with <see cref="FinishWith"/>.
/// </summary>
/// <typeparam name="TWork">What the master calls a piece of work (a shell, a task).</typeparam>
public abstract class ApplicationMasterCore<TWork> : IApplicationMaster where TWork : notnull
{
    private readonly AskTable<TWork> _asks = new();
    private readonly Dictionary<ContainerId, (TWork Work, Container Container)> _running = [];
    private AmDecisions? _step;
    private float _progress;

    /// <summary>A master for <paramref name="attemptId"/>.</summary>
    protected ApplicationMasterCore(ApplicationAttemptId attemptId) => AttemptId = attemptId;

    /// <inheritdoc />
    public ApplicationAttemptId AttemptId { get; }

    /// <inheritdoc />
    public float Progress => _progress;

    /// <inheritdoc />
    public AmFinish? Finish { get; private set; }

    /// <summary>The registration, once registered.</summary>
    public AmRegistration? Registration { get; private set; }

    /// <summary>The last headroom the ResourceManager gave (MB, vcores).</summary>
    public Resource Headroom { get; private set; }

    /// <summary>Containers launched and not yet ended.</summary>
    public int RunningContainers => _running.Count;

    /// <inheritdoc />
    public int OutstandingAsks => _asks.Count;

    /// <summary>Containers released as surplus (allocated with no outstanding ask for them) so far.</summary>
    public int SurplusReleased { get; private set; }

    /// <inheritdoc />
    public AmDecisions Registered(AmRegistration registration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var d = Begin();
        bool again = Registration is not null;
        Registration = registration;
        Headroom = registration.Headroom;
        if (again)
        {
            _asks.TakeChanged();
            d.Asks.AddRange(_asks.All());
        }
        else if (Finish is null) OnRegistered(registration, now);
        return End();
    }

    /// <inheritdoc />
    public AmDecisions Heartbeat(AmHeartbeat heartbeat, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        RequireRegistered();
        var d = Begin();
        Headroom = heartbeat.Headroom;
        // Every completed container leaves the running set before any is handled, so a finish decided while
        // handling one does not release the others that ended in the same answer.
        var ended = heartbeat.Completed.Where(s => _running.ContainsKey(s.ContainerId))
            .Select(s => (Status: s, Entry: Take(s.ContainerId))).ToList();
        foreach (var (status, (work, container)) in ended)
            if (Finish is null) OnContainerEnded(work, container, status, ContainerOutcomes.Of(status.ExitStatus), now);
        foreach (var container in heartbeat.Allocated) Allocated(container, d, now);
        if (Finish is null) OnHeartbeat(now);
        return End();
    }

    /// <inheritdoc />
    public AmDecisions LaunchFailed(ContainerId containerId, string diagnostics, DateTimeOffset now)
    {
        RequireRegistered();
        var d = Begin();
        if (_running.ContainsKey(containerId))
        {
            d.Releases.Add(containerId);
            var (work, container) = Take(containerId);
            var status = new ContainerStatus(containerId, ContainerState.Complete, ContainerExitStatus.Invalid, $"Container launch failed: {diagnostics}");
            if (Finish is null) OnContainerEnded(work, container, status, ContainerOutcome.Failed, now);
        }
        return End();
    }

    /// <inheritdoc />
    public AmDecisions Kill(string diagnostics, DateTimeOffset now)
    {
        Begin();
        if (Finish is null)
        {
            OnKilled(now);
            FinishWith(FinalApplicationStatus.Killed, diagnostics);
        }
        return End();
    }

    /// <summary>The first registration: make the first asks (or finish at once).</summary>
    protected abstract void OnRegistered(AmRegistration registration, DateTimeOffset now);

    /// <summary>What to run in <paramref name="container"/>, allocated for <paramref name="work"/> (which is now running in it).</summary>
    protected abstract LaunchSpec CreateLaunch(TWork work, Container container, DateTimeOffset now);

    /// <summary>A container that ran <paramref name="work"/> ended (or could not be started: <see cref="ContainerOutcome.Failed"/> with exit status INVALID). Ask again, count a failure, or finish.</summary>
    protected abstract void OnContainerEnded(TWork work, Container container, ContainerStatus status, ContainerOutcome outcome, DateTimeOffset now);

    /// <summary>An allocate answer was handled and the master has not finished: time passed (default: nothing).</summary>
    protected virtual void OnHeartbeat(DateTimeOffset now) { }

    /// <summary>The application is being killed, before it finishes KILLED (default: nothing).</summary>
    protected virtual void OnKilled(DateTimeOffset now) { }

    /// <summary>Asks for a container for <paramref name="work"/>.</summary>
    protected void Request(TWork work, ContainerAsk ask) => _asks.Add(work, ask);

    /// <summary>Raises progress to <paramref name="progress"/> (clamped to 0..1; never lowered).</summary>
    protected void ReportProgress(float progress) => _progress = Math.Max(_progress, Math.Clamp(progress, 0f, 1f));

    /// <summary>Ends the application: cancels every ask, releases every running container, and sets <see cref="Finish"/> (progress 1 on success). Later calls do nothing.</summary>
    protected void FinishWith(FinalApplicationStatus status, string diagnostics)
    {
        if (Finish is not null) return;
        if (status == FinalApplicationStatus.Undefined) throw new ArgumentOutOfRangeException(nameof(status), "An AM finishes SUCCEEDED, FAILED or KILLED.");
        _asks.Clear();
        foreach (var id in _running.Keys.OrderBy(static id => id.ContainerIdLong))
            Step.Releases.Add(id);
        _running.Clear();
        if (status == FinalApplicationStatus.Succeeded) ReportProgress(1);
        Finish = new AmFinish(status, diagnostics);
    }

    private AmDecisions Step => _step ?? throw new InvalidOperationException("No step under way.");

    private void Allocated(Container container, AmDecisions d, DateTimeOffset now)
    {
        if (Finish is null && _asks.TryMatch(container, out var work))
        {
            _running[container.Id] = (work, container);
            d.Launches.Add(new ContainerLaunch(container, CreateLaunch(work, container, now)));
            return;
        }
        d.Releases.Add(container.Id);
        if (Finish is null) SurplusReleased++;
    }

    // Completions of containers not running (released: surplus, failed launches, a kill; or a previous
    // attempt's) say nothing about the master's work and are ignored by the callers.
    private (TWork Work, Container Container) Take(ContainerId id)
    {
        _running.Remove(id, out var entry);
        return entry;
    }

    private void RequireRegistered()
    {
        if (Registration is null) throw new InvalidOperationException($"{AttemptId}: the AM has not registered yet.");
    }

    private AmDecisions Begin() => _step = new AmDecisions();

    private AmDecisions End()
    {
        var d = Step;
        d.Asks.AddRange(_asks.TakeChanged());
        d.Progress = _progress;
        d.Finish = Finish;
        _step = null;
        return d;
    }
}
