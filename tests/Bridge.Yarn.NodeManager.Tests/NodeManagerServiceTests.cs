using System.Collections.Concurrent;
using Bridge.Kernel.Agent.Containers;
using Bridge.Kernel.Agent.Fetching;
using Bridge.Testing;
using Bridge.Yarn.NodeManager.Containers;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.Protocol.Records;
using Bridge.Yarn.Protocol.Security;
using Bridge.Yarn.V1;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.NodeManager.Tests;

/// <summary>The NodeManager's heartbeat and container protocol against a scripted ResourceManager, with real container processes.</summary>
public sealed class NodeManagerServiceTests : IAsyncLifetime
{
    private static readonly NodeId Node = new("agent-1", 45454);
    private readonly string _root = Directory.CreateTempSubdirectory("bridge-nm-svc-").FullName;
    private readonly HttpClient _http = new();
    private readonly UriFetcher _fetcher;
    private readonly IIsolator _isolator = Containerizer.DetectIsolator($"yarn-test-{Guid.NewGuid():N}");
    private readonly ManualTimeProvider _time = new();
    private readonly ScriptedTracker _tracker = new();
    private readonly NodeManagerService _nm;
    private int _next;

    public NodeManagerServiceTests()
    {
        _fetcher = new UriFetcher(Path.Combine(_root, "cache"), _http);
        var runner = new ContainerRunner(new Containerizer(_isolator, Path.Combine(_root, "run"), TimeProvider.System, TimeSpan.FromMilliseconds(100)), _fetcher,
            new NodeLayout(Node, 8042, Path.Combine(_root, "local"), Path.Combine(_root, "logs"), new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }));
        _nm = new NodeManagerService(new NodeManagerOptions { NodeId = Node, HttpPort = 8042, Capability = new Resource(4096, 4), Time = _time }, _tracker, runner);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit 2 runs a test class's cleanup through IAsyncLifetime; an IAsyncDisposable class is not disposed here.
    public async Task DisposeAsync()
    {
        // A NodeManager that stops leaves its containers running (YARN's work-preserving restart): stop what the test started.
        var left = _nm.Containers.Where(c => c.Phase != NmContainerPhase.Done).Select(c => c.Id).ToList();
        if (left.Count > 0)
        {
            _nm.StopContainers(left, StopRequester.ApplicationMaster);
            await Wait.UntilAsync(() => _nm.Containers.All(c => c.Phase == NmContainerPhase.Done), "the test's containers to stop", TimeSpan.FromSeconds(30));
        }
        await _nm.DisposeAsync();
        _isolator.Release();
        _fetcher.Dispose();
        _http.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private sealed record Request(ContainerId ContainerId, StartContainerRequestProto Proto);

    /// <summary>A start request as an ApplicationMaster sends it: a token the ResourceManager signed, and a launch context.</summary>
    private Request Launch(string command, MasterKey? key = null, NodeId? node = null, TimeSpan? expiresIn = null)
    {
        var id = ContainerId.Parse($"container_1410901177871_0001_01_{++_next:000000}");
        var now = _time.GetUtcNow();
        var token = ContainerTokens.Create(key ?? _tracker.Key, new ContainerTokenIdentifier(id, node ?? Node, "hadoop", new Resource(256, 1), new Priority(0),
            now, now + (expiresIn ?? TimeSpan.FromMinutes(10)), 1410901177871));
        var context = new ContainerLaunchContext([command], new Dictionary<string, string>(), new Dictionary<string, LocalResource>());
        return new Request(id, new StartContainerRequestProto { ContainerToken = token, ContainerLaunchContext = context.ToProto() });
    }

    /// <summary>Moves the clock a heartbeat interval at a time until <paramref name="condition"/> holds (the loop arms
    /// its next interval only after a heartbeat, so one advance may come before it is armed).</summary>
    private Task HeartbeatUntilAsync(Func<bool> condition, string what) =>
        Wait.UntilAsync(() =>
        {
            if (condition()) return true;
            _time.Advance(TimeSpan.FromSeconds(1));
            return false;
        }, what);

    private async Task StartedAsync()
    {
        _nm.Start();
        await _nm.Registered.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task It_registers_with_its_capability_and_http_address()
    {
        await StartedAsync();
        var registration = Assert.Single(_tracker.Registrations);
        Assert.Equal(Node, registration.NodeId);
        Assert.Equal(new Resource(4096, 4), registration.Capability);
        Assert.Equal("agent-1:8042", registration.HttpAddress);
        Assert.Null(registration.RunningContainers);
    }

    [Fact]
    public void Containers_are_refused_before_registration()
    {
        var outcome = Assert.Single(_nm.StartContainers([Launch("true").Proto]));
        Assert.False(outcome.Succeeded);
        Assert.Contains("not yet connected with ResourceManager", outcome.Message);
    }

    [Fact]
    public async Task A_completion_is_heartbeated_at_once_and_then_forgotten()
    {
        await StartedAsync();
        var launch = Launch("exit 3");
        Assert.True(Assert.Single(_nm.StartContainers([launch.Proto])).Succeeded);
        Assert.False(_nm.StartContainers([launch.Proto])[0].Succeeded);
        // No time passes: the completion's out-of-band heartbeat carries it.
        var done = await _tracker.CompletedAsync(launch.ContainerId);
        Assert.Equal(3, done.ExitStatus);
        await Wait.UntilAsync(() => _nm.Containers.Count == 0, "the delivered completion is forgotten");
        await HeartbeatUntilAsync(() => _tracker.Heartbeats.Count >= 2, "a regular heartbeat");
        Assert.DoesNotContain(_tracker.Heartbeats.Last().ContainerStatuses, s => s.ContainerId == launch.ContainerId);
    }

    [Fact]
    public async Task Forged_expired_and_foreign_tokens_are_refused_with_Hadoops_exceptions()
    {
        await StartedAsync();
        var forged = Launch("true", key: MasterKey.Generate(7));
        var expired = Launch("true", expiresIn: TimeSpan.FromSeconds(-1));
        var foreign = Launch("true", node: new NodeId("agent-2", 45454));
        var noToken = Launch("true");
        noToken.Proto.ContainerToken = null;
        var outcomes = _nm.StartContainers([forged.Proto, expired.Proto, foreign.Proto, noToken.Proto]);
        Assert.All(outcomes, o => Assert.False(o.Succeeded));
        Assert.Equal(ContainerRequestOutcome.InvalidToken, outcomes[0].ExceptionClass);
        Assert.Contains("Invalid container token", outcomes[0].Message);
        Assert.Equal(ContainerRequestOutcome.InvalidContainer, outcomes[1].ExceptionClass);
        Assert.Contains("expired", outcomes[1].Message);
        Assert.Contains("agent-2:45454", outcomes[2].Message);
        Assert.Null(outcomes[3].ContainerId);
        Assert.Empty(_nm.Containers);
    }

    [Fact]
    public async Task A_bad_launch_context_is_refused_naming_the_field()
    {
        await StartedAsync();
        var bad = Launch("true");
        bad.Proto.ContainerLaunchContext.Environment.Add(new StringStringMapProto { Key = "A=B", Value = "x" });
        var outcome = Assert.Single(_nm.StartContainers([bad.Proto]));
        Assert.False(outcome.Succeeded);
        Assert.Equal(bad.ContainerId, outcome.ContainerId);
        Assert.Contains("environment", outcome.Message);
    }

    [Fact]
    public async Task A_completion_survives_an_unreachable_ResourceManager()
    {
        await StartedAsync();
        _tracker.Unreachable = true;
        var launch = Launch("true");
        _nm.StartContainers([launch.Proto]);
        await Wait.UntilAsync(() => _tracker.FailedHeartbeats > 0, "the completion's heartbeat fails");
        Assert.Single(_nm.Containers);
        _tracker.Unreachable = false;
        await HeartbeatUntilAsync(() => _tracker.Heartbeats.Count > 0, "a heartbeat once the ResourceManager is back");
        Assert.Equal(0, (await _tracker.CompletedAsync(launch.ContainerId)).ExitStatus);
    }

    [Fact]
    public async Task The_ResourceManagers_cleanup_kills_a_container_with_exit_status_KILLED_BY_RESOURCEMANAGER()
    {
        await StartedAsync();
        var launch = Launch("sleep 300");
        _nm.StartContainers([launch.Proto]);
        await Wait.UntilAsync(() => _nm.Containers.Any(c => c.Phase == NmContainerPhase.Running), "the container runs");
        _tracker.Next.Enqueue(new HeartbeatAnswer(NodeAction.Normal, [launch.ContainerId], [], []));
        await HeartbeatUntilAsync(() => _tracker.Next.IsEmpty, "the cleanup answer is delivered");
        var done = await _tracker.CompletedAsync(launch.ContainerId);
        Assert.Equal(ContainerExitStatus.KilledByResourceManager, done.ExitStatus);
    }

    [Fact]
    public async Task An_ApplicationMasters_stop_gives_KILLED_BY_APPMASTER_and_an_unknown_container_is_named()
    {
        await StartedAsync();
        var launch = Launch("sleep 300");
        _nm.StartContainers([launch.Proto]);
        await Wait.UntilAsync(() => _nm.Containers.Any(c => c.Phase == NmContainerPhase.Running), "the container runs");
        var unknown = ContainerId.Parse("container_1410901177871_0001_01_000099");
        var outcomes = _nm.StopContainers([launch.ContainerId, unknown], StopRequester.ApplicationMaster);
        Assert.True(outcomes[0].Succeeded);
        Assert.Equal($"Container {unknown} is not handled by this NodeManager", outcomes[1].Message);
        Assert.Equal(ContainerExitStatus.KilledByAppMaster, (await _tracker.CompletedAsync(launch.ContainerId)).ExitStatus);
    }

    [Fact]
    public async Task The_ResourceManager_launches_an_AM_container_through_the_heartbeat_answer()
    {
        await StartedAsync();
        var am = Launch("echo am > am.txt");
        _tracker.Next.Enqueue(new HeartbeatAnswer(NodeAction.Normal, [], [], [am.Proto]));
        await HeartbeatUntilAsync(() => _tracker.Next.IsEmpty, "the launch answer is delivered");
        Assert.Equal(0, (await _tracker.CompletedAsync(am.ContainerId)).ExitStatus);
    }

    [Fact]
    public async Task RESYNC_registers_again_listing_the_containers_still_running()
    {
        await StartedAsync();
        var launch = Launch("sleep 300");
        _nm.StartContainers([launch.Proto]);
        await Wait.UntilAsync(() => _nm.Containers.Any(c => c.Phase == NmContainerPhase.Running), "the container runs");
        _tracker.Next.Enqueue(new HeartbeatAnswer(NodeAction.Resync, [], [], [], "Node not found resyncing agent-1:45454"));
        await HeartbeatUntilAsync(() => _tracker.Registrations.Count == 2, "a second registration");
        Assert.Equal([launch.ContainerId], _tracker.Registrations.Last().RunningContainers);
    }

    [Fact]
    public async Task SHUTDOWN_stops_every_container_as_ABORTED_reports_them_and_stops()
    {
        await StartedAsync();
        var launch = Launch("sleep 300");
        _nm.StartContainers([launch.Proto]);
        await Wait.UntilAsync(() => _nm.Containers.Any(c => c.Phase == NmContainerPhase.Running), "the container runs");
        _tracker.Next.Enqueue(new HeartbeatAnswer(NodeAction.Shutdown, [], [], [], "decommissioned"));
        await HeartbeatUntilAsync(() => _tracker.Next.IsEmpty, "the shutdown answer is delivered");
        Assert.Equal("decommissioned", await _nm.Stopped.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(ContainerExitStatus.Aborted, (await _tracker.CompletedAsync(launch.ContainerId)).ExitStatus);
        Assert.False(_nm.StartContainers([Launch("true").Proto])[0].Succeeded);
    }

    [Fact]
    public async Task Registration_is_retried_while_the_ResourceManager_cannot_be_reached()
    {
        _tracker.Unreachable = true;
        _nm.Start();
        await Wait.UntilAsync(() => _tracker.FailedRegistrations > 0, "a failed registration");
        Assert.False(_nm.Registered.IsCompleted);
        _tracker.Unreachable = false;
        await HeartbeatUntilAsync(() => _nm.Registered.IsCompleted, "the registration after the backoff");
    }

    private sealed class ScriptedTracker : IResourceTracker
    {
        private readonly ConcurrentDictionary<ContainerId, TaskCompletionSource<ContainerStatus>> _completed = new();
        public ConcurrentQueue<HeartbeatAnswer> Next { get; } = new();
        public MasterKey Key { get; } = MasterKey.Generate(7);
        public List<NodeRegistration> Registrations { get; } = [];
        public List<NodeHeartbeat> Heartbeats { get; } = [];
        public volatile bool Unreachable;
        public int FailedHeartbeats;
        public int FailedRegistrations;

        public Task<RegistrationAnswer> RegisterAsync(NodeRegistration registration, CancellationToken cancellationToken)
        {
            if (Unreachable)
            {
                Interlocked.Increment(ref FailedRegistrations);
                throw new IOException("connection refused");
            }
            lock (Registrations) Registrations.Add(registration);
            return Task.FromResult(new RegistrationAnswer(NodeAction.Normal, "", Key));
        }

        public Task<HeartbeatAnswer> HeartbeatAsync(NodeHeartbeat heartbeat, CancellationToken cancellationToken)
        {
            if (Unreachable)
            {
                Interlocked.Increment(ref FailedHeartbeats);
                throw new IOException("connection refused");
            }
            lock (Heartbeats) Heartbeats.Add(heartbeat);
            foreach (var s in heartbeat.ContainerStatuses.Where(s => s.State == ContainerState.Complete))
                Completion(s.ContainerId).TrySetResult(s);
            return Task.FromResult(Next.TryDequeue(out var answer) ? answer : new HeartbeatAnswer(NodeAction.Normal, [], [], []));
        }

        private TaskCompletionSource<ContainerStatus> Completion(ContainerId id) =>
            _completed.GetOrAdd(id, _ => new TaskCompletionSource<ContainerStatus>(TaskCreationOptions.RunContinuationsAsynchronously));

        public Task<ContainerStatus> CompletedAsync(ContainerId id) => Completion(id).Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
