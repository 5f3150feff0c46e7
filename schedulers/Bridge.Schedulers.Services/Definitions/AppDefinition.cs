using Bridge.Schedulers.Hosting;
using Bridge.Schedulers.Services.Constraints;

namespace Bridge.Schedulers.Services.Definitions;

/// <summary>
/// A service: what to run, how many, with which resources, where, and how to check and replace it
/// (Marathon's app definition, the fields the services scheduler honours). Immutable, with value
/// equality. Defaults are Marathon's; units are in the names (<see cref="MemMb"/>) or the types
/// (<see cref="TimeSpan"/>). Read and write it as Marathon JSON with <see cref="AppJson"/>, which also
/// validates; a definition built in code is not validated.
/// Source: Marathon's <c>App</c> RAML type (docs/docs/rest-api/public/api/v2/types/app.raml) and
/// its normalization (api/v2/AppNormalization.scala).
/// </summary>
public sealed record AppDefinition
{
    /// <summary>The default <see cref="PortDefinitions"/> when an app gives neither <c>portDefinitions</c>
    /// nor <c>ports</c>: one dynamic port named <c>default</c> (Marathon's <c>Apps.DefaultPortDefinitions</c>).</summary>
    public static readonly ValueList<PortDefinition> DefaultPortDefinitions = [new PortDefinition { Name = "default" }];

    /// <summary>The app's id, <c>/group/app</c>.</summary>
    public required AppId Id { get; init; }

    /// <summary>The shell command, run as <c>/bin/sh -c CMD</c>. Exactly one of <see cref="Cmd"/> and
    /// <see cref="Args"/> is given.</summary>
    public string? Cmd { get; init; }

    /// <summary>The command as an argument vector (run without a shell): the program, then its
    /// arguments. Empty when <see cref="Cmd"/> is used.</summary>
    public ValueList<string> Args { get; init; } = ValueList<string>.Empty;

    /// <summary>The user the tasks run as on the agent (default: the agent's choice).</summary>
    public string? User { get; init; }

    /// <summary>Environment variables of every task (default: none).</summary>
    public ValueMap Env { get; init; } = ValueMap.Empty;

    /// <summary>How many tasks to run (default 1; 0 suspends the app).</summary>
    public int Instances { get; init; } = 1;

    /// <summary>CPU cores per task (default 1; at least 0.001).</summary>
    public double Cpus { get; init; } = 1;

    /// <summary>Memory per task in MB (default 128).</summary>
    public double MemMb { get; init; } = 128;

    /// <summary>Scratch disk per task in MB (default 0).</summary>
    public double DiskMb { get; init; }

    /// <summary>GPUs per task (default 0).</summary>
    public int Gpus { get; init; }

    /// <summary>Where tasks may run (default: anywhere); every constraint must hold.</summary>
    public ValueList<Constraint> Constraints { get; init; } = ValueList<Constraint>.Empty;

    /// <summary>What the agent downloads into each task's sandbox before starting it (default: nothing).</summary>
    public ValueList<FetchUri> Fetch { get; init; } = ValueList<FetchUri>.Empty;

    /// <summary>The ports each task needs, in order: <c>$PORT0</c>, <c>$PORT1</c>, ...
    /// (default: <see cref="DefaultPortDefinitions"/>, one dynamic port; empty for none).</summary>
    public ValueList<PortDefinition> PortDefinitions { get; init; } = DefaultPortDefinitions;

    /// <summary>When true, a task's host ports are the non-zero <see cref="PortDefinition.Port"/>
    /// numbers themselves, so it runs only where those ports are free; when false (default), host
    /// ports are chosen from each offer and non-zero port numbers are service ports only.</summary>
    public bool RequirePorts { get; init; }

    /// <summary>How task health is judged (default: none, a running task is healthy).</summary>
    public ValueList<HealthCheck> HealthChecks { get; init; } = ValueList<HealthCheck>.Empty;

    /// <summary>How a new version replaces the old (default: 1 and 1, start all new before stopping old).</summary>
    public UpgradeStrategy UpgradeStrategy { get; init; } = UpgradeStrategy.Default;

    /// <summary>The first delay before relaunching a failed task (default 1 s, Marathon's <c>backoffSeconds</c>).</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>What each consecutive failure multiplies the delay by (default 1.15; at least 1).</summary>
    public double BackoffFactor { get; init; } = 1.15;

    /// <summary>The longest delay between relaunches (default 300 s, Marathon 1.8 and later;
    /// Marathon before 1.8 used 3600 s).</summary>
    public TimeSpan MaxLaunchDelay { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Which tasks go first when scaling down (default <see cref="Definitions.KillSelection.YoungestFirst"/>).</summary>
    public KillSelection KillSelection { get; init; } = KillSelection.YoungestFirst;

    /// <summary>Time between SIGTERM and SIGKILL when a task is killed (default: null, the agent's own).</summary>
    public TimeSpan? TaskKillGracePeriod { get; init; }

    /// <summary>Free-form labels (default: none).</summary>
    public ValueMap Labels { get; init; } = ValueMap.Empty;

    /// <summary>The role whose reserved resources the tasks may use, besides unreserved ones (default <c>*</c>: unreserved only).</summary>
    public string Role { get; init; } = "*";

    /// <summary>Which resources an offer may contribute, by role: <c>*</c> (unreserved), <see cref="Role"/>
    /// (reserved for it), or both. Empty (default) means both.</summary>
    public ValueList<string> AcceptedResourceRoles { get; init; } = ValueList<string>.Empty;

    /// <summary>When this version of the definition was stored (set by the scheduler; ignored on input, written when set).</summary>
    public DateTimeOffset? Version { get; init; }
}

/// <summary>
/// How a deployment replaces tasks (Marathon <c>upgradeStrategy</c>). Both values are fractions of
/// <see cref="AppDefinition.Instances"/> in [0, 1].
/// </summary>
/// <param name="MinimumHealthCapacity">The share of instances that must stay healthy throughout (default 1).</param>
/// <param name="MaximumOverCapacity">The share of instances that may run in addition to the target count (default 1).</param>
public sealed record UpgradeStrategy(double MinimumHealthCapacity = 1, double MaximumOverCapacity = 1)
{
    /// <summary>Marathon's default: 1 and 1.</summary>
    public static readonly UpgradeStrategy Default = new();
}

/// <summary>Which tasks are killed first when an app scales down (Marathon <c>killSelection</c>).</summary>
public enum KillSelection
{
    /// <summary><c>YOUNGEST_FIRST</c> (default): the most recently started tasks.</summary>
    YoungestFirst,
    /// <summary><c>OLDEST_FIRST</c>: the longest running tasks.</summary>
    OldestFirst,
}
