using Bridge.Kernel;
using Bridge.Schedulers.Hosting;
using Bridge.Schedulers.Jobs.Schedules;

namespace Bridge.Schedulers.Jobs.Definitions;

/// <summary>How a job comes to run.</summary>
public enum JobKind
{
    /// <summary>On an ISO 8601 repeating interval (Chronos' <c>schedule</c>).</summary>
    Scheduled,

    /// <summary>On a cron (Metronome's <c>cron</c>).</summary>
    Cron,

    /// <summary>After its parents succeed (Chronos' <c>parents</c>).</summary>
    Dependent,
}

/// <summary>The defaults of a job's optional fields, Chronos' where Chronos has them.</summary>
public static class JobDefaults
{
    /// <summary>Retries after a failed run (Chronos: 2).</summary>
    public const int Retries = 2;

    /// <summary>Cpus per run (Chronos' <c>--mesos_task_cpu</c>: 0.1).</summary>
    public static Scalar Cpus { get; } = Scalar.FromMillis(100);

    /// <summary>Memory per run in MB (Chronos' <c>--mesos_task_mem</c>: 128).</summary>
    public static Scalar MemMb { get; } = Scalar.FromUnits(128);

    /// <summary>Disk per run in MB (Chronos' <c>--mesos_task_disk</c>: 256).</summary>
    public static Scalar DiskMb { get; } = Scalar.FromUnits(256);

    /// <summary>Starting deadline of <c>schedule</c> and <c>parents</c> jobs: Chronos' default
    /// epsilon (<c>--task_epsilon</c>: 60 s).</summary>
    public static TimeSpan ChronosStartingDeadline { get; } = TimeSpan.FromSeconds(60);

    /// <summary>Starting deadline of <c>cron</c> jobs: Metronome's default
    /// <c>startingDeadlineSeconds</c> (900 s).</summary>
    public static TimeSpan MetronomeStartingDeadline { get; } = TimeSpan.FromSeconds(900);

    /// <summary>Concurrency of <c>schedule</c> and <c>parents</c> jobs: Chronos'
    /// <c>concurrent: false</c>.</summary>
    public const ConcurrencyPolicy ChronosConcurrency = ConcurrencyPolicy.Forbid;

    /// <summary>Concurrency of <c>cron</c> jobs: Metronome's default <c>ALLOW</c>.</summary>
    public const ConcurrencyPolicy MetronomeConcurrency = ConcurrencyPolicy.Allow;
}

/// <summary>
/// A job: Chronos' job JSON (<c>/v1/scheduler/iso8601</c>, <c>/v1/scheduler/dependency</c>) with
/// Metronome's cron fields as an alternative schedule. Immutable; records compare by value.
/// <see cref="JobJson.Parse(string)"/> builds valid ones; see docs/jobs.md for every field.
/// </summary>
/// <remarks>
/// Exactly one of <see cref="Schedule"/>, <see cref="Cron"/> and <see cref="Parents"/> (non-empty)
/// is set; that is <see cref="Kind"/>. Each setting has one meaning whichever spelling it came in:
/// <see cref="StartingDeadline"/> is Chronos' <c>epsilon</c> and Metronome's
/// <c>startingDeadlineSeconds</c>; <see cref="ConcurrencyPolicy"/> is Metronome's
/// <c>concurrencyPolicy</c> and Chronos' <c>concurrent</c>; <see cref="TimeZone"/> is Chronos'
/// <c>scheduleTimeZone</c> and Metronome's <c>timezone</c>.
/// </remarks>
public sealed record JobDefinition
{
    /// <summary>The job's name and identity.</summary>
    public required JobName Name { get; init; }

    /// <summary>The command: a shell command line when <see cref="Shell"/>, else the executable.</summary>
    public required string Command { get; init; }

    /// <summary>Arguments passed to the executable when <see cref="Shell"/> is false (empty otherwise).</summary>
    public ValueList<string> Arguments { get; init; } = ValueList<string>.Empty;

    /// <summary>Run <see cref="Command"/> with <c>/bin/sh -c</c> (default true, as Chronos).</summary>
    public bool Shell { get; init; } = true;

    /// <summary>The ISO 8601 repeating interval, for a <see cref="JobKind.Scheduled"/> job.</summary>
    public RepeatingInterval? Schedule { get; init; }

    /// <summary>The cron, for a <see cref="JobKind.Cron"/> job.</summary>
    public CronSpec? Cron { get; init; }

    /// <summary>The parents, for a <see cref="JobKind.Dependent"/> job: it runs when all of them
    /// have succeeded since its last run. Sorted, no duplicates.</summary>
    public ValueList<JobName> Parents { get; init; } = ValueList<JobName>.Empty;

    /// <summary>The IANA time zone the schedule is read in; null for the default (UTC for a cron;
    /// for an ISO schedule the start's own offset).</summary>
    public string? TimeZone { get; init; }

    /// <summary>How late after its due time a run may still start; a run that cannot start by then
    /// is skipped (<see cref="RunPolicy"/>). Whole seconds, at least 1 s.</summary>
    public required TimeSpan StartingDeadline { get; init; }

    /// <summary>What to do when a run is due while another is active.</summary>
    public required ConcurrencyPolicy ConcurrencyPolicy { get; init; }

    /// <summary>Retries after a failed run (default 2); 0 for none.</summary>
    public int Retries { get; init; } = JobDefaults.Retries;

    /// <summary>A disabled job does not run on its schedule or after its parents (default false).</summary>
    public bool Disabled { get; init; }

    /// <summary>Cpus per run (default 0.1).</summary>
    public Scalar Cpus { get; init; } = JobDefaults.Cpus;

    /// <summary>Memory per run, MB (default 128).</summary>
    public Scalar MemMb { get; init; } = JobDefaults.MemMb;

    /// <summary>Disk per run, MB (default 256).</summary>
    public Scalar DiskMb { get; init; } = JobDefaults.DiskMb;

    /// <summary>Environment variables for the command, names unique.</summary>
    public ValueList<EnvironmentVariable> EnvironmentVariables { get; init; } = ValueList<EnvironmentVariable>.Empty;

    /// <summary>Where the job may run; all must hold.</summary>
    public ValueList<JobConstraint> Constraints { get; init; } = ValueList<JobConstraint>.Empty;

    /// <summary>Files fetched into the sandbox before the command starts.</summary>
    public ValueList<FetchUri> Fetch { get; init; } = ValueList<FetchUri>.Empty;

    /// <summary>Email address(es) told about failures, comma-separated (default empty).</summary>
    public string Owner { get; init; } = "";

    /// <summary>The person responsible (default empty).</summary>
    public string OwnerName { get; init; } = "";

    /// <summary>What the job does (default empty).</summary>
    public string Description { get; init; } = "";

    /// <summary>Which of schedule, cron and parents the job has.</summary>
    /// <exception cref="InvalidOperationException">It has none or more than one (a bug: JobJson.Parse
    /// never returns such a job).</exception>
    public JobKind Kind => (Schedule, Cron, Parents.Count) switch
    {
        (not null, null, 0) => JobKind.Scheduled,
        (null, not null, 0) => JobKind.Cron,
        (null, null, > 0) => JobKind.Dependent,
        _ => throw new InvalidOperationException($"job {Name} must have exactly one of schedule, cron and parents"),
    };
}
