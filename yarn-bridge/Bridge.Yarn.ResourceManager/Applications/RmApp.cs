using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.ResourceManager.Applications;

/// <summary>One application's state (Hadoop's RMAppImpl, the transitions driven by <see cref="ResourceManagerCore"/>).</summary>
internal sealed class RmApp(ApplicationSubmission submission, int maxAttempts, DateTimeOffset submitted)
{
    public ApplicationSubmission Submission { get; } = submission;
    public ApplicationId Id => Submission.ApplicationId;
    public int MaxAttempts { get; } = maxAttempts;
    public RmAppState State { get; set; } = RmAppState.New;
    public FinalApplicationStatus FinalStatus { get; set; } = FinalApplicationStatus.Undefined;
    public string Diagnostics { get; set; } = "";
    public DateTimeOffset StartTime { get; } = submitted;
    public DateTimeOffset? FinishTime { get; set; }
    public Resource AmResource { get; set; }
    public List<RmAppAttempt> Attempts { get; } = [];
    public RmAppAttempt? Current => Attempts.Count > 0 ? Attempts[^1] : null;

    /// <summary>Failed attempts that count toward max-app-attempts.</summary>
    public int CountedFailures { get; set; }

    public bool IsFinal => State is RmAppState.Finished or RmAppState.Failed or RmAppState.Killed;

    public void End(RmAppState state, FinalApplicationStatus final, string diagnostics, DateTimeOffset now)
    {
        State = state;
        FinalStatus = final;
        Diagnostics = diagnostics;
        FinishTime = now;
    }
}

/// <summary>One attempt's state, including the allocate protocol's (Hadoop's RMAppAttemptImpl plus ApplicationMasterService's per-attempt record).</summary>
internal sealed class RmAppAttempt(ApplicationAttemptId id, DateTimeOffset started)
{
    public ApplicationAttemptId Id { get; } = id;
    public RmAppAttemptState State { get; set; } = RmAppAttemptState.Scheduled;
    public DateTimeOffset StartTime { get; } = started;
    public DateTimeOffset? FinishTime { get; set; }
    public Container? AmContainer { get; set; }
    public string Diagnostics { get; set; } = "";
    public string Host { get; set; } = "N/A";
    public int RpcPort { get; set; } = -1;
    public string TrackingUrl { get; set; } = "";
    public float Progress { get; set; }

    /// <summary>Last register or allocate call, for the AM liveness monitor.</summary>
    public DateTimeOffset LastActivity { get; set; } = started;

    /// <summary>The last allocate response; responseId 0 right after register.</summary>
    public AllocateResponse? LastResponse { get; set; }

    public bool IsFinal => State is RmAppAttemptState.Finished or RmAppAttemptState.Failed or RmAppAttemptState.Killed;
}
