using Bridge.Yarn.Applications.Containers;
using Bridge.Yarn.Applications.Masters;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.Applications.Tests.Masters;

/// <summary>What a container's run came to: its exit status and diagnostics.</summary>
internal readonly record struct RunResult(int ExitStatus, string Diagnostics);

/// <summary>
/// A fake ResourceManager and NodeManagers driving one master the way the runtime will: register, then rounds of
/// (send gathered asks and releases → grant containers for the <c>*</c> asks → heartbeat the master with them and
/// with the completions due → start its launches). Asks are kept absolute per (priority, resourceName,
/// capability) and decremented on allocation, as the ResourceManager does; a released container that had not
/// completed is reported back ABORTED, as the ResourceManager does. A launched container "runs" at once through
/// the given function and is reported complete <see cref="RoundsPerContainer"/> rounds later. Every step checks
/// the contract: progress within 0..1 and never lower, launches only of containers granted and never twice,
/// releases only of containers held.
/// </summary>
internal sealed class FakeCluster
{
    public const long ClusterTimestamp = 1410901177871;

    private readonly IApplicationMaster _master;
    private readonly Func<ContainerLaunch, RunResult> _run;
    private readonly AllocateBatch _batch = new();
    private readonly Dictionary<(Priority Priority, string Name, Resource Capability), ResourceRequest> _asks = [];
    private readonly Dictionary<ContainerId, Container> _held = [];
    private readonly HashSet<ContainerId> _launched = [];
    private readonly List<(int DueRound, ContainerStatus Status)> _running = [];
    private readonly List<ContainerStatus> _completions = [];
    private long _nextContainer = 2; // 1 is the AM's own

    public FakeCluster(IApplicationMaster master, Func<ContainerLaunch, RunResult> run)
    {
        _master = master;
        _run = run;
    }

    public static ApplicationAttemptId Attempt(int attempt = 1) => new(new ApplicationId(ClusterTimestamp, 1), attempt);

    public DateTimeOffset Now { get; private set; } = DateTimeOffset.FromUnixTimeMilliseconds(ClusterTimestamp + 1000);
    public int Round { get; private set; }
    public Resource MaximumCapability { get; init; } = new(8192, 4);
    public Resource Headroom { get; init; } = new(16384, 16);

    /// <summary>At most this many containers granted per round (default: every one asked for).</summary>
    public int ContainersPerRound { get; init; } = int.MaxValue;

    /// <summary>A launched container is reported complete this many rounds later (default 1: the next heartbeat).</summary>
    public int RoundsPerContainer { get; init; } = 1;

    /// <summary>Containers granted in a round beyond any ask (priority, size): surplus the master must release.</summary>
    public Func<int, IEnumerable<(Priority Priority, Resource Resource)>>? Surplus { get; init; }

    /// <summary>Containers the platform ends (ABORTED, as on a lost node) instead of running them.</summary>
    public Func<ContainerLaunch, bool>? Abort { get; init; }

    /// <summary>Containers the NodeManager refuses to start, and why.</summary>
    public Func<ContainerLaunch, string?>? FailLaunch { get; init; }

    /// <summary>The client kills the application at the start of this round.</summary>
    public int? KillAtRound { get; init; }

    public List<float> Progress { get; } = [];
    public List<ContainerLaunch> Launches { get; } = [];
    public List<ContainerId> Releases { get; } = [];
    public List<(int Round, ResourceRequest Ask)> AskLog { get; } = [];
    public List<Container> Granted { get; } = [];
    public int SurplusGranted { get; private set; }

    /// <summary>Runs the master to its finish (at most <paramref name="maxRounds"/> rounds).</summary>
    public AmFinish Run(int maxRounds = 500)
    {
        Apply(_master.Registered(new AmRegistration(MaximumCapability, "default", Headroom), Now));
        while (_master.Finish is null)
        {
            Assert.True(Round < maxRounds, $"not finished after {maxRounds} rounds");
            Round++;
            Now += TimeSpan.FromSeconds(1);
            if (KillAtRound == Round)
            {
                Apply(_master.Kill("Application killed by user.", Now));
                break;
            }
            var (asks, releases) = _batch.Take();
            foreach (var ask in asks)
            {
                AskLog.Add((Round, ask));
                _asks[(ask.Priority, ask.ResourceName, ask.Capability)] = ask;
            }
            foreach (var id in releases) Release(id);
            foreach (var due in _running.Where(r => r.DueRound <= Round).ToList())
            {
                _running.Remove(due);
                _held.Remove(due.Status.ContainerId);
                _completions.Add(due.Status);
            }
            var granted = Grant();
            var completed = _completions.ToList();
            _completions.Clear();
            Apply(_master.Heartbeat(new AmHeartbeat(granted, completed, Headroom), Now));
        }
        // What the runtime sends with the unregister (the ResourceManager would stop them anyway).
        foreach (var id in _batch.Take().Releases) Release(id);
        return _master.Finish!;
    }

    /// <summary>The runner that executes a launch as ContainerMain in this process (the command must start with <c>bridge yarn task</c>).</summary>
    public static RunResult RunContainerMain(ContainerLaunch launch)
    {
        var argv = launch.Spec.Command;
        Assert.Equal(ApplicationMasters.DefaultTaskCommand, argv.Take(3));
        var (output, error) = (new StringWriter(), new StringWriter());
        int exit = ContainerMain.Run(argv.Skip(3).ToArray(), output, error);
        return new RunResult(exit, exit == 0 ? "" : error.ToString().Trim());
    }

    private void Release(ContainerId id)
    {
        Releases.Add(id);
        if (!_held.Remove(id)) return; // already completed: nothing to report
        _running.RemoveAll(r => r.Status.ContainerId == id);
        _completions.Add(new ContainerStatus(id, ContainerState.Complete, ContainerExitStatus.Aborted, "Container released by application"));
    }

    private List<Container> Grant()
    {
        var granted = new List<Container>();
        foreach (var key in _asks.Keys.Where(k => k.Name == ResourceRequest.Any).OrderBy(k => k.Priority.Value).ToList())
        {
            var ask = _asks[key];
            while (ask.NumContainers > 0 && granted.Count < ContainersPerRound)
            {
                granted.Add(NewContainer(key.Priority, key.Capability));
                ask = ask with { NumContainers = ask.NumContainers - 1 };
            }
            _asks[key] = ask;
        }
        foreach (var (priority, resource) in Surplus?.Invoke(Round) ?? [])
        {
            granted.Add(NewContainer(priority, resource));
            SurplusGranted++;
        }
        return granted;
    }

    private Container NewContainer(Priority priority, Resource resource)
    {
        long sequence = _nextContainer++;
        var container = new Container(new ContainerId(_master.AttemptId, 0, sequence), new NodeId($"h{sequence % 3}", 8041), resource, priority);
        _held[container.Id] = container;
        Granted.Add(container);
        return container;
    }

    private void Apply(AmDecisions d)
    {
        _batch.Add(d);
        Assert.InRange(d.Progress, 0f, 1f);
        if (Progress.Count > 0) Assert.True(d.Progress >= Progress[^1], $"progress fell from {Progress[^1]} to {d.Progress}");
        Progress.Add(d.Progress);
        Assert.Equal(_master.Finish, d.Finish);
        foreach (var id in d.Releases) Assert.True(_held.ContainsKey(id), $"released {id}, which the master does not hold");
        foreach (var launch in d.Launches)
        {
            // A launch failure handled below may have ended the application: the runtime starts nothing more.
            if (_master.Finish is not null && d.Finish is null) break;
            var id = launch.Container.Id;
            Assert.True(_held.ContainsKey(id), $"launched {id}, which was not granted");
            Assert.True(_launched.Add(id), $"launched {id} twice");
            Launches.Add(launch);
            if (FailLaunch?.Invoke(launch) is { } why)
            {
                Apply(_master.LaunchFailed(id, why, Now));
                continue;
            }
            var result = Abort?.Invoke(launch) == true
                ? new RunResult(ContainerExitStatus.Aborted, "Container released on a *lost* node")
                : _run(launch);
            _running.Add((Round + RoundsPerContainer, new ContainerStatus(id, ContainerState.Complete, result.ExitStatus, result.Diagnostics)));
        }
    }
}
