using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Scheduling;

namespace Bridge.Yarn.ResourceManager;

/// <summary>
/// The embedded ResourceManager's decision core: applications and attempts (RMAppImpl, RMAppAttemptImpl), the
/// ApplicationMaster protocol's state (ApplicationMasterService), NodeManagers (RMNodeImpl, ResourceTrackerService,
/// the liveness monitors) and the scheduler (<see cref="YarnScheduler"/>), composed. Pure: no I/O, no clock reads
/// (every call carries <c>now</c>), not thread-safe (one writer loop owns it). Expected refusals are
/// <see cref="RmStatus"/> values. Split by protocol: this file is the client side (ApplicationClientProtocol),
/// <c>.ApplicationMaster.cs</c> the AM side, <c>.ResourceTracker.cs</c> the NodeManager side and <c>Tick</c>,
/// <c>.Reports.cs</c> the read models for the REST API.
/// </summary>
public sealed partial class ResourceManagerCore
{
    private readonly ResourceManagerOptions _options;
    private readonly YarnScheduler _scheduler;
    private readonly Dictionary<ApplicationId, RmApp> _apps = [];
    private readonly Dictionary<NodeId, RmNode> _nodes = [];
    private int _nextAppId = 1;

    /// <summary>Builds a ResourceManager with <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">The scheduler's options are invalid, or MaxAppAttempts is below 1.</exception>
    public ResourceManagerCore(ResourceManagerOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAppAttempts, 1);
        _options = options;
        _scheduler = new YarnScheduler(options.Scheduler);
    }

    /// <summary>The scheduler (read its reports; change it only through this type).</summary>
    public YarnScheduler Scheduler => _scheduler;

    /// <summary>The configuration.</summary>
    public ResourceManagerOptions Options => _options;

    /// <summary>Hands out the next application id (Hadoop's <c>getNewApplication</c>) and the largest container allowed.</summary>
    public (ApplicationId Id, Resource MaximumCapability) NewApplication() =>
        (new ApplicationId(_options.ClusterTimestamp, _nextAppId++), _options.Scheduler.MaximumAllocation);

    /// <summary>
    /// Submits an application: NEW → SUBMITTED → ACCEPTED at once (no state store), with attempt 1 asking for its
    /// AM container. An unknown queue is accepted as a submission and the application FAILS with a diagnostic, as
    /// the CapacityScheduler does.
    /// </summary>
    /// <returns><see cref="RmStatusCode.InvalidRequest"/> for an id not handed out by this ResourceManager, one already
    /// submitted, or an AM resource outside the allocation limits (the message names the field).</returns>
    public RmStatus SubmitApplication(ApplicationSubmission submission, DateTimeOffset now)
    {
        var id = submission.ApplicationId;
        if (id.ClusterTimestamp != _options.ClusterTimestamp || id.Id < 1 || id.Id >= _nextAppId)
            return RmStatus.Fail(RmStatusCode.InvalidRequest, $"application-id {id} was not handed out by this ResourceManager (ask new-application first)");
        if (_apps.ContainsKey(id)) return RmStatus.Fail(RmStatusCode.InvalidRequest, $"application-id {id} is already submitted");
        var amAsk = new ResourceRequest(new Priority(0), ResourceRequest.Any, submission.AmResource, 1);
        var valid = _scheduler.Validate(amAsk);
        if (!valid.IsOk) return RmStatus.Fail(valid.Code, valid.Message.Replace("capability.", "resource.", StringComparison.Ordinal));

        var max = submission.MaxAppAttempts is { } m && m > 0 && m <= _options.MaxAppAttempts ? m : _options.MaxAppAttempts;
        var app = new RmApp(submission, max, now) { State = RmAppState.Submitted, AmResource = _scheduler.Normalize(submission.AmResource) };
        _apps[id] = app;
        if (!_scheduler.LeafQueueNames.Contains(submission.Queue))
        {
            app.End(RmAppState.Failed, FinalApplicationStatus.Failed,
                $"Application {id} submitted by user {submission.User} to unknown queue: {submission.Queue}", now);
            return RmStatus.Ok;
        }
        app.State = RmAppState.Accepted;
        StartAttempt(app, now);
        return RmStatus.Ok;
    }

    /// <summary>
    /// Kills an application from any non-final state: its attempt is KILLED and its containers are killed; the
    /// application ends KILLED with final status KILLED. Killing a finished application changes nothing.
    /// </summary>
    /// <returns><see cref="RmStatusCode.UnknownApplication"/> when the id is unknown.</returns>
    public RmStatus KillApplication(ApplicationId id, DateTimeOffset now, string diagnostics = "Application killed by user.")
    {
        if (!_apps.TryGetValue(id, out var app)) return UnknownApp(id);
        if (app.IsFinal) return RmStatus.Ok;
        if (app.Current is { IsFinal: false } attempt) EndAttempt(attempt, RmAppAttemptState.Killed, diagnostics, now);
        app.End(RmAppState.Killed, FinalApplicationStatus.Killed, diagnostics, now);
        return RmStatus.Ok;
    }

    private static RmStatus UnknownApp(ApplicationId id) =>
        RmStatus.Fail(RmStatusCode.UnknownApplication, $"Application with id '{id}' doesn't exist in RM.");

    private void StartAttempt(RmApp app, DateTimeOffset now)
    {
        var attempt = new RmAppAttempt(new ApplicationAttemptId(app.Id, app.Attempts.Count + 1), now);
        app.Attempts.Add(attempt);
        var added = _scheduler.AddAttempt(attempt.Id, app.Submission.Queue, app.Submission.Priority, app.AmResource);
        if (!added.IsOk) throw new InvalidOperationException($"scheduler refused {attempt.Id}: {added.Message}");
        // The AM's ask: priority 0, anywhere, one container (RMAppAttemptImpl's AM_CONTAINER_PRIORITY).
        _scheduler.UpdateAsks(attempt.Id, [new ResourceRequest(new Priority(0), ResourceRequest.Any, app.AmResource, 1)]);
    }

    /// <summary>Ends an attempt: takes it out of the scheduler and has its live containers killed on their nodes.</summary>
    private void EndAttempt(RmAppAttempt attempt, RmAppAttemptState state, string diagnostics, DateTimeOffset now)
    {
        attempt.State = state;
        attempt.Diagnostics = diagnostics;
        attempt.FinishTime = now;
        var exit = state == RmAppAttemptState.Finished ? ContainerExitStatus.KilledAfterAppCompletion : ContainerExitStatus.KilledByResourceManager;
        foreach (var done in _scheduler.RemoveAttempt(attempt.Id, exit, "Container of a completed application attempt"))
        {
            if (_nodes.TryGetValue(done.Container.NodeId, out var node)) node.ContainersToCleanup.Add(done.Container.Id);
        }
    }

    /// <summary>
    /// An attempt failed: the next one starts unless max-app-attempts counted failures were reached, in which case the
    /// application FAILS. Failures caused by the platform (node lost, preemption, disks) do not count, as Hadoop.
    /// </summary>
    private void FailAttempt(RmApp app, RmAppAttempt attempt, string diagnostics, bool counts, DateTimeOffset now)
    {
        EndAttempt(attempt, RmAppAttemptState.Failed, diagnostics, now);
        if (counts) app.CountedFailures++;
        if (app.CountedFailures < app.MaxAttempts)
        {
            app.State = RmAppState.Accepted;
            StartAttempt(app, now);
            return;
        }
        app.End(RmAppState.Failed, FinalApplicationStatus.Failed,
            $"Application {app.Id} failed {app.MaxAttempts} times due to {diagnostics}. Failing the application.", now);
    }

    /// <summary>Reacts to a container the scheduler completed (NM report, release, lost node): an AM container ending
    /// before its attempt unregistered fails the attempt.</summary>
    private void OnCompleted(CompletedContainer done, DateTimeOffset now)
    {
        if (!done.IsAmContainer) return;
        var attemptId = done.Container.AttemptId;
        if (!_apps.TryGetValue(attemptId.ApplicationId, out var app) || app.Current is not { } attempt || attempt.Id != attemptId || attempt.IsFinal) return;
        var s = done.Status;
        var counts = s.ExitStatus is not (ContainerExitStatus.Aborted or ContainerExitStatus.Preempted or ContainerExitStatus.DisksFailed or ContainerExitStatus.KilledByResourceManager);
        FailAttempt(app, attempt, $"AM Container for {attemptId} exited with exitCode: {s.ExitStatus}. Diagnostics: {s.Diagnostics}", counts, now);
    }

    /// <summary>Handles the scheduler's allocations: an AM container moves its attempt to ALLOCATED (and is not
    /// returned to the AM's allocate calls, as Hadoop).</summary>
    private IReadOnlyList<Allocation> Allocated(IReadOnlyList<Allocation> made)
    {
        foreach (var a in made)
        {
            if (!a.IsAmContainer) continue;
            var attemptId = a.Container.AttemptId;
            var attempt = _apps[attemptId.ApplicationId].Current!;
            attempt.AmContainer = a.Container;
            attempt.State = RmAppAttemptState.Allocated;
            _scheduler.PullNewlyAllocated(attemptId);
        }
        return made;
    }
}
