using Bridge.Schedulers.Jobs.Definitions;
using Bridge.Schedulers.Jobs.Schedules;

namespace Bridge.Schedulers.Jobs.Runs;

/// <summary>
/// Where a run is: <c>Waiting</c> (a retry) → <c>Queued</c> → <c>Launched</c> → <c>Running</c> →
/// one of the ended states. A run may end from any active state (a queued run is killed or goes
/// past its starting deadline without launching).
/// </summary>
public enum RunState
{
    /// <summary>A retry waiting out the retry delay; it is queued at its <see cref="Run.DueAt"/>.</summary>
    Waiting,

    /// <summary>Due, waiting for an offer that fits.</summary>
    Queued,

    /// <summary>Its task was sent to an agent (TASK_STAGING and TASK_STARTING keep it here).</summary>
    Launched,

    /// <summary>Its task reported TASK_RUNNING.</summary>
    Running,

    /// <summary>Its task finished with exit status 0 (TASK_FINISHED).</summary>
    Succeeded,

    /// <summary>Its task failed, was lost, or could not start (TASK_FAILED, TASK_LOST, TASK_ERROR,
    /// TASK_DROPPED, TASK_GONE, TASK_GONE_BY_OPERATOR, TASK_UNKNOWN, or TASK_KILLED that nobody here
    /// asked for). A retry, if any is left, is a new record with the next attempt.</summary>
    Failed,

    /// <summary>Killed on request (<see cref="JobScheduler.Kill"/>, or its job was removed).</summary>
    Killed,

    /// <summary>Never started: see <see cref="Run.SkipReason"/> and <see cref="Run.Message"/>.</summary>
    Skipped,
}

/// <summary>Why a run was skipped.</summary>
public enum RunSkipReason
{
    /// <summary>Not skipped.</summary>
    None,

    /// <summary>Its due time was further back than the job's starting deadline: the scheduler was
    /// down, or no offer fitted in time (<see cref="SkipReason.PastStartingDeadline"/>).</summary>
    PastStartingDeadline,

    /// <summary>The job is FORBID and another of its runs was active
    /// (<see cref="SkipReason.ConcurrentRunActive"/>).</summary>
    ConcurrentRunActive,

    /// <summary>Earlier due times of a backlog (the scheduler was down across several): only the
    /// latest counts, the rest are dropped, never replayed (<see cref="RunPolicy"/>).</summary>
    Backlog,
}

/// <summary>What made a run.</summary>
public enum RunTrigger
{
    /// <summary>A due time of the job's schedule or cron.</summary>
    Schedule,

    /// <summary>Its parents all succeeded (a dependent job).</summary>
    Parents,

    /// <summary>Asked for by hand (Chronos' <c>PUT /v1/scheduler/job/{name}</c>).</summary>
    Manual,
}

/// <summary>
/// One attempt of one run of a job, as the run history shows it. Immutable; the scheduler replaces
/// the record as the run moves on. A run's retries are further records with the same
/// <see cref="Number"/> and the next <see cref="Attempt"/>.
/// </summary>
public sealed record Run
{
    /// <summary>The job.</summary>
    public required JobName Job { get; init; }

    /// <summary>The run's number within its job: 1, 2, ... in the order runs were made (skipped ones
    /// included). The run id is <c>{job}:{number}</c>.</summary>
    public required long Number { get; init; }

    /// <summary>0 for the first attempt, n for the n-th retry (Chronos' <c>CHRONOS_JOB_RUN_ATTEMPT</c>).</summary>
    public required int Attempt { get; init; }

    /// <summary>The kernel task id of this attempt, <c>bridge-job:{job}:{number}:{attempt}</c>
    /// (<see cref="RunTaskIds"/>); a skipped run never launches it.</summary>
    public required string TaskId { get; init; }

    /// <summary>What made the run.</summary>
    public required RunTrigger Trigger { get; init; }

    /// <summary>When the run was due: the schedule's due time, the parent's success, the request, or
    /// for a retry the end of the retry delay. The starting deadline counts from here.</summary>
    public required DateTimeOffset DueAt { get; init; }

    /// <summary>Where the run is.</summary>
    public required RunState State { get; init; }

    /// <summary>When this record was made (queued, waiting or skipped).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its task was sent to an agent; null before.</summary>
    public DateTimeOffset? LaunchedAt { get; init; }

    /// <summary>When its task first reported TASK_RUNNING; null before.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended; null while active.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>For <see cref="RunState.Skipped"/>, why; <see cref="RunSkipReason.None"/> otherwise.</summary>
    public RunSkipReason SkipReason { get; init; }

    /// <summary>The last word on the run: the kernel's message for its task ("Command exited with
    /// status 1"), or the scheduler's (why it was skipped, when a retry follows); null when none.</summary>
    public string? Message { get; init; }

    /// <summary>The command's exit status when the kernel reported one (128 + N for signal N).</summary>
    public int? ExitCode { get; init; }

    /// <summary>The agent its task was launched on; null before launch.</summary>
    public string? AgentId { get; init; }

    /// <summary>That agent's hostname; null before launch.</summary>
    public string? Hostname { get; init; }

    /// <summary>That agent's HTTP endpoint (<c>http://host:port</c>, the offer's <c>url</c>), where its
    /// sandbox files are read; null before launch or when the offer did not name it.</summary>
    public string? AgentUrl { get; init; }

    /// <summary>The task's sandbox as the agent's files endpoint names it, <c>{frameworkId}/{taskId}</c>
    /// (<c>{AgentUrl}/files/read?path={Sandbox}/stdout</c> reads its output); null before launch.</summary>
    public string? Sandbox { get; init; }

    /// <summary>Arguments given to this run alone (Chronos' <c>PUT /v1/scheduler/job/{name}?arguments=</c>), or
    /// null: for a shell job appended to its command after a space; otherwise split into words as <c>sh</c>
    /// splits them (<see cref="RunArguments"/>), they take the place of the job's <c>arguments</c>. Its retries
    /// keep them; dependent runs do not inherit them.</summary>
    public string? Arguments { get; init; }

    /// <summary>A kill was asked for; its end counts as killed, not failed.</summary>
    public bool KillRequested { get; init; }

    /// <summary>Waiting, queued, launched or running.</summary>
    public bool IsActive => State is RunState.Waiting or RunState.Queued or RunState.Launched or RunState.Running;

    /// <summary>Its task is on an agent (launched or running): killing it takes a kill, and the
    /// master is asked about it on reconciliation.</summary>
    public bool HasTask => State is RunState.Launched or RunState.Running;
}
