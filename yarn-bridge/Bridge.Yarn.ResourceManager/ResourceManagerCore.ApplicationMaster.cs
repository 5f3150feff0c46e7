using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.ResourceManager;

public sealed partial class ResourceManagerCore
{
    /// <summary>
    /// An AM registers (Hadoop's <c>registerApplicationMaster</c>): its attempt (ALLOCATED or LAUNCHED) becomes
    /// RUNNING, its application RUNNING, and the allocate protocol starts at responseId 0.
    /// </summary>
    /// <returns><see cref="RmStatusCode.UnknownApplicationAttempt"/> for an unknown or superseded attempt,
    /// <see cref="RmStatusCode.AlreadyRegistered"/> for a second register, <see cref="RmStatusCode.InvalidState"/> when
    /// its AM container is not allocated yet or the attempt has ended.</returns>
    public RegisterResult RegisterApplicationMaster(ApplicationAttemptId attemptId, string host, int rpcPort, string trackingUrl, DateTimeOffset now)
    {
        var max = _options.Scheduler.MaximumAllocation;
        if (!TryCurrent(attemptId, out var app, out var attempt, out var status)) return new RegisterResult(status, max, "");
        var queue = app.Submission.Queue;
        if (attempt.State == RmAppAttemptState.Running)
            return new RegisterResult(RmStatus.Fail(RmStatusCode.AlreadyRegistered, $"Application Master is already registered : {app.Id}"), max, queue);
        if (attempt.State is not (RmAppAttemptState.Allocated or RmAppAttemptState.Launched))
            return new RegisterResult(RmStatus.Fail(RmStatusCode.InvalidState, $"{attemptId} is {attempt.State}, not ALLOCATED or LAUNCHED"), max, queue);
        attempt.State = RmAppAttemptState.Running;
        attempt.Host = host;
        attempt.RpcPort = rpcPort;
        attempt.TrackingUrl = trackingUrl;
        attempt.LastActivity = now;
        attempt.LastResponse = new AllocateResponse(0, [], [], Resource.None, _scheduler.NodeCount);
        app.State = RmAppState.Running;
        return new RegisterResult(RmStatus.Ok, max, queue);
    }

    /// <summary>
    /// An AM's heartbeat (Hadoop's <c>ApplicationMasterService.allocate</c>). A request whose responseId is the
    /// last response's gets a new response (id + 1) after its releases and asks are applied; one whose responseId is
    /// one behind (the AM did not see the last answer) gets the last response again, unchanged; any other is out of
    /// sync and the AM must re-register. Releases of unknown (already completed) containers are ignored, as Hadoop.
    /// Containers are allocated on node updates, not here: the response carries those allocated since the last one.
    /// </summary>
    /// <returns>The response, or a refusal: unknown attempt, not registered, out of sync (the message gives the
    /// expected responseId), an invalid ask (naming the field) or a release of another attempt's container.</returns>
    public AllocateResult Allocate(AllocateRequest request, DateTimeOffset now)
    {
        if (!TryCurrent(request.AttemptId, out _, out var attempt, out var status)) return new AllocateResult(status, null);
        if (attempt.IsFinal) return Refuse(RmStatusCode.InvalidState, $"{attempt.Id} has ended ({attempt.State})");
        if (attempt.State != RmAppAttemptState.Running || attempt.LastResponse is not { } last)
            return Refuse(RmStatusCode.NotRegistered, $"Application Master is not registered for known application: {attempt.Id.ApplicationId}. Let AM resync.");
        if (request.ResponseId + 1 == last.ResponseId) return new AllocateResult(RmStatus.Ok, last);
        if (request.ResponseId != last.ResponseId)
            return Refuse(RmStatusCode.OutOfSync, $"Invalid responseId in AllocateRequest from application attempt: {attempt.Id}, expect responseId to be {last.ResponseId}, but get {request.ResponseId}");
        if (request.Progress is < 0 or > 1 || float.IsNaN(request.Progress))
            return Refuse(RmStatusCode.InvalidRequest, $"progress={request.Progress} is not between 0 and 1");
        foreach (var c in request.Releases)
        {
            if (_scheduler.FindContainer(c) is not null && c.ApplicationAttemptId != attempt.Id)
                return Refuse(RmStatusCode.InvalidContainerRelease, $"Cannot release container : {c} not belonging to this application attempt : {attempt.Id}");
        }
        var asked = _scheduler.UpdateAsks(attempt.Id, request.Asks);
        if (!asked.IsOk) return new AllocateResult(asked, null);
        foreach (var c in request.Releases)
        {
            if (_scheduler.CompleteContainer(c, ContainerExitStatus.Aborted, "Container released by application") is not { } done) continue;
            if (_nodes.TryGetValue(done.Container.NodeId, out var node)) node.ContainersToCleanup.Add(c);
            OnCompleted(done, now);
        }
        attempt.Progress = request.Progress;
        attempt.LastActivity = now;
        var response = new AllocateResponse(last.ResponseId + 1,
            _scheduler.PullNewlyAllocated(attempt.Id), _scheduler.PullCompleted(attempt.Id),
            _scheduler.Headroom(attempt.Id), _scheduler.NodeCount);
        attempt.LastResponse = response;
        return new AllocateResult(RmStatus.Ok, response);

        static AllocateResult Refuse(RmStatusCode code, string message) => new(RmStatus.Fail(code, message), null);
    }

    /// <summary>
    /// An AM unregisters (Hadoop's <c>finishApplicationMaster</c>): its attempt is FINISHED, its remaining containers
    /// (the AM's own included) are killed, and the application is FINISHED with <paramref name="finalStatus"/>.
    /// </summary>
    /// <returns><see cref="RmStatusCode.UnknownApplicationAttempt"/>, <see cref="RmStatusCode.NotRegistered"/>, or
    /// <see cref="RmStatusCode.InvalidRequest"/> for final status UNDEFINED.</returns>
    public RmStatus FinishApplicationMaster(ApplicationAttemptId attemptId, FinalApplicationStatus finalStatus, string diagnostics, string trackingUrl, DateTimeOffset now)
    {
        if (!TryCurrent(attemptId, out var app, out var attempt, out var status)) return status;
        if (attempt.State != RmAppAttemptState.Running)
            return RmStatus.Fail(RmStatusCode.NotRegistered, $"Application Master is trying to unregister before registering for: {attemptId}");
        if (finalStatus == FinalApplicationStatus.Undefined)
            return RmStatus.Fail(RmStatusCode.InvalidRequest, "finalApplicationStatus=UNDEFINED: an AM must finish with SUCCEEDED, FAILED or KILLED");
        attempt.TrackingUrl = trackingUrl;
        attempt.Progress = 1;
        EndAttempt(attempt, RmAppAttemptState.Finished, diagnostics, now);
        app.End(RmAppState.Finished, finalStatus, diagnostics, now);
        return RmStatus.Ok;
    }

    private bool TryCurrent(ApplicationAttemptId attemptId, out RmApp app, out RmAppAttempt attempt, out RmStatus status)
    {
        attempt = null!;
        status = RmStatus.Ok;
        if (!_apps.TryGetValue(attemptId.ApplicationId, out app!))
        {
            status = UnknownApp(attemptId.ApplicationId);
            return false;
        }
        if (app.Current is not { } current || current.Id != attemptId)
        {
            status = RmStatus.Fail(RmStatusCode.UnknownApplicationAttempt, $"Application attempt {attemptId} doesn't exist in ApplicationMasterService cache.");
            return false;
        }
        attempt = current;
        return true;
    }
}
