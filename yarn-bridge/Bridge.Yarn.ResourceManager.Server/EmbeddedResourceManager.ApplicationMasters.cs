using Bridge.Yarn.Protocol;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.Protocol.Records;
using Bridge.Yarn.Protocol.Security;
using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Scheduling;
using Bridge.Yarn.V1;

namespace Bridge.Yarn.ResourceManager.Server;

public sealed partial class EmbeddedResourceManager
{
    /// <summary>Checks an AM token (the <c>yarn-amrm-token</c> header) and reads the attempt it names. Thread-safe (the key never changes).</summary>
    /// <returns><see cref="TokenProblem.None"/> with <paramref name="attempt"/>, or why it was refused.</returns>
    public TokenProblem VerifyAmToken(string? token, out ApplicationAttemptId attempt, out string message) =>
        AmRmTokens.Verify(AmKey, token, out attempt, out message);

    /// <summary>An AM registers (Hadoop's <c>registerApplicationMaster</c>).</summary>
    /// <returns>The core's result (UnknownApplicationAttempt, AlreadyRegistered, InvalidState...).</returns>
    public Task<RegisterResult> RegisterApplicationMasterAsync(ApplicationAttemptId attempt, string host, int rpcPort, string trackingUrl) => _loop.Run(() =>
    {
        var result = _core.RegisterApplicationMaster(attempt, host, rpcPort, trackingUrl, _clock.GetUtcNow());
        if (result.Status.IsOk && _apps.TryGetValue(attempt.ApplicationId, out var shell)) shell.AmRpcPort = rpcPort;
        return result;
    });

    /// <summary>An AM's heartbeat (Hadoop's <c>allocate</c>): the response carries each newly allocated container with its
    /// NodeManager's web address and a fresh container token.</summary>
    /// <returns>The status and, when ok, the wire response.</returns>
    public Task<(RmStatus Status, AllocateResponseProto? Response)> AllocateAsync(AllocateRequest request) => _loop.Run(() =>
    {
        var now = _clock.GetUtcNow();
        var result = _core.Allocate(request, now);
        if (!result.Status.IsOk) return (result.Status, (AllocateResponseProto?)null);
        return (result.Status, result.Response!.ToProto(c => ContainerToProto(c, now)));
    });

    /// <summary>An AM unregisters (Hadoop's <c>finishApplicationMaster</c>).</summary>
    /// <returns>The core's status (UnknownApplicationAttempt, NotRegistered, InvalidRequest for UNDEFINED).</returns>
    public Task<RmStatus> FinishApplicationMasterAsync(ApplicationAttemptId attempt, FinalApplicationStatus status, string diagnostics, string trackingUrl) =>
        _loop.Run(() => _core.FinishApplicationMaster(attempt, status, diagnostics, trackingUrl, _clock.GetUtcNow()));

    /// <summary>A container on the wire with its NodeManager's web address and a token valid for ContainerTokenExpiry.</summary>
    private ContainerProto ContainerToProto(Container c, DateTimeOffset now)
    {
        var user = _apps.TryGetValue(c.AttemptId.ApplicationId, out var app) ? app.Context.Submission.User : YarnEnvironment.DefaultUser;
        var http = _nodes.TryGetValue(c.NodeId, out var node) ? node.HttpAddress : "";
        var token = ContainerTokens.Create(ContainerKey,
            new ContainerTokenIdentifier(c.Id, c.NodeId, user, c.Resource, c.Priority, now, now + _options.ContainerTokenExpiry, ClusterTimestamp));
        return c.ToProto(http, token);
    }

    /// <summary>
    /// Queues every AM container in <paramref name="allocated"/> for its NodeManager's next heartbeat answer: the
    /// application's AM launch context plus the RM's environment (the AM token, the scheduler address,
    /// CONTAINER_ID, APP_SUBMIT_TIME_ENV, MAX_APP_ATTEMPTS; these override the submission's own), and a container token.
    /// </summary>
    private void QueueAmLaunches(IReadOnlyList<Allocation> allocated, DateTimeOffset now)
    {
        foreach (var a in allocated)
        {
            if (!a.IsAmContainer) continue;
            var c = a.Container;
            if (!_apps.TryGetValue(c.AttemptId.ApplicationId, out var app) || !_nodes.TryGetValue(c.NodeId, out var node)) continue;
            var env = new Dictionary<string, string>
            {
                [YarnEnvironment.AmRmToken] = AmRmTokens.Create(AmKey, c.AttemptId),
                [YarnEnvironment.SchedulerAddress] = _schedulerAddress?.ToString().TrimEnd('/') ?? "",
                [YarnEnvironment.ContainerId] = c.Id.ToString(),
                [YarnEnvironment.AppSubmitTime] = SubmitTime(c.AttemptId.ApplicationId).ToString(System.Globalization.CultureInfo.InvariantCulture),
                [YarnEnvironment.MaxAppAttempts] = app.MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            var launch = new StartContainerRequestProto
            {
                ContainerLaunchContext = app.Context.AmContainerSpec.WithEnvironment(env).ToProto(),
                ContainerToken = ContainerToProto(c, now).ContainerToken,
            };
            node.ToLaunch.Add((c.Id, launch));
            LogAmLaunch(c.Id, c.AttemptId, c.NodeId);
        }
    }

    private long SubmitTime(ApplicationId id) => _core.Application(id)?.StartedTime.ToEpochMs() ?? 0;
}
