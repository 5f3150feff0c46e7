using Bridge.Yarn.Protocol.Records;
using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.ResourceManager.Server;

public sealed partial class EmbeddedResourceManager
{
    /// <summary>A fresh application id and the largest container allowed (Hadoop's <c>getNewApplication</c>).</summary>
    public Task<(ApplicationId Id, Resource MaximumCapability)> NewApplicationAsync() => _loop.Run(_core.NewApplication);

    /// <summary>
    /// Submits an application: the core takes it (NEW → SUBMITTED → ACCEPTED, or FAILED for an unknown queue) and the
    /// shell keeps the whole submission (the AM's launch context with its local resources, tags, the notes on
    /// fields not honoured) for the AM's launch and the reports.
    /// </summary>
    /// <returns>The core's status: InvalidRequest for an id not handed out, one already submitted, or an AM
    /// resource outside the allocation limits.</returns>
    public Task<RmStatus> SubmitAsync(ApplicationSubmissionContext context) => _loop.Run(() =>
    {
        var submission = context.Submission;
        var status = _core.SubmitApplication(submission, _clock.GetUtcNow());
        if (!status.IsOk) return status;
        _apps[submission.ApplicationId] = new AppShell(context, EffectiveMaxAttempts(submission.MaxAppAttempts));
        LogSubmitted(submission.ApplicationId, submission.User, submission.Queue);
        foreach (var note in context.Unsupported) LogUnsupported(submission.ApplicationId, note);
        return status;
    });

    /// <summary>Kills an application from any non-final state (a final one is left alone).</summary>
    /// <param name="id">The application.</param>
    /// <param name="diagnostics">Why (default: Hadoop's "Application killed by user.").</param>
    /// <returns>The status (UnknownApplication) and the application's state afterwards.</returns>
    public Task<(RmStatus Status, RmAppState? State)> KillAsync(ApplicationId id, string? diagnostics = null) => _loop.Run(() =>
    {
        var status = string.IsNullOrEmpty(diagnostics)
            ? _core.KillApplication(id, _clock.GetUtcNow())
            : _core.KillApplication(id, _clock.GetUtcNow(), diagnostics);
        if (status.IsOk) LogKilled(id, diagnostics ?? "");
        return (status, _core.Application(id)?.State);
    });

    /// <summary>The attempts an application may have: its own max-app-attempts when 1 to the RM's maximum, else that maximum (as the core decides).</summary>
    private int EffectiveMaxAttempts(int? requested)
    {
        var max = _core.Options.MaxAppAttempts;
        return requested is { } m && m > 0 && m <= max ? m : max;
    }
}
