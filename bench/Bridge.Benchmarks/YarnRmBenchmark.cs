using System.Diagnostics;
using System.Globalization;
using Bridge.Yarn.ResourceManager;
using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Scheduling;
using ApplicationId = Bridge.Yarn.ResourceManager.Records.ApplicationId;

namespace Bridge.Benchmarks;

/// <summary>
/// The embedded ResourceManager's core driven in process by N simulated NodeManagers (8192 MB, 8 vcores each,
/// racks of 40) and M applications in two CapacityScheduler queues (60/40, maximum 100, AM limit 50%). Time is
/// simulated in 1 s rounds: every NodeManager heartbeats once per round (reporting its AM containers running and
/// the containers whose run, 1 to 10 s, has ended), every registered AM calls allocate once per round keeping 20
/// containers asked for (1 or 2 GB, a quarter of them with a node-local and a rack ask, node-locality-delay 40).
/// After 5 warm-up rounds, 30 rounds are timed with a wall clock around the core's calls only.
/// Last line: <c>yarn_rm nodes=N apps=M allocations_per_s=X</c>, X = containers allocated / wall seconds.
/// </summary>
public static class YarnRmBenchmark
{
    private const int WarmupRounds = 5;
    private const int TimedRounds = 30;
    private const int Outstanding = 20;

    private sealed class SimApp(ApplicationId id)
    {
        public ApplicationId Id { get; } = id;
        public ApplicationAttemptId? Attempt { get; set; }
        public int ResponseId { get; set; }
        public bool Registered { get; set; }
    }

    /// <summary>Runs the benchmark, writing setup, per-phase figures and the result line to <paramref name="output"/>.</summary>
    /// <param name="nodes">Simulated NodeManagers (at least 1).</param>
    /// <param name="apps">Applications (at least 1).</param>
    /// <param name="output">Where progress and the result line go.</param>
    /// <returns>Allocations per wall-clock second.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is below 1.</exception>
    public static double Run(int nodes, int apps, TextWriter output)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(apps, 1);
        var inv = CultureInfo.InvariantCulture;
        var rng = new Random(42);
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var rm = new ResourceManagerCore(new ResourceManagerOptions
        {
            ClusterTimestamp = now.ToUnixTimeMilliseconds(),
            Scheduler = SchedulerOptions.Capacity(new QueueOptions("a", 60, 100, 0.5), new QueueOptions("b", 40, 100, 0.5)),
        });
        var ids = Enumerable.Range(0, nodes).Select(i => new NodeId($"nm{i:D5}", 8041)).ToArray();
        foreach (var id in ids)
            rm.RegisterNode(new NodeRegistration(id, new Resource(8192, 8), Rack: $"/rack{int.Parse(id.Host[2..], inv) / 40}"), now);
        var sims = new List<SimApp>();
        for (var i = 0; i < apps; i++)
        {
            var (id, _) = rm.NewApplication();
            rm.SubmitApplication(new ApplicationSubmission { ApplicationId = id, Queue = i % 2 == 0 ? "a" : "b", AmResource = new Resource(1024, 1) }, now);
            sims.Add(new SimApp(id));
        }
        // Per node: containers running with their end time, and AM containers to report running.
        var running = ids.Select(_ => new List<(ContainerId Id, DateTimeOffset End)>()).ToArray();
        var launched = ids.Select(_ => new List<ContainerId>()).ToArray();
        var index = ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        output.WriteLine(string.Create(inv, $"setup: {nodes} NodeManagers (8192 MB, 8 vcores), {apps} apps in queues a (60%) and b (40%); {Environment.ProcessorCount} cores"));

        long allocations = 0;
        var watch = new Stopwatch();
        var statuses = new List<ContainerStatus>();
        for (var round = 0; round < WarmupRounds + TimedRounds; round++)
        {
            if (round == WarmupRounds)
            {
                allocations = 0;
                watch.Reset();
            }
            now += TimeSpan.FromSeconds(1);
            for (var n = 0; n < nodes; n++)
            {
                statuses.Clear();
                foreach (var am in launched[n]) statuses.Add(new ContainerStatus(am, ContainerState.Running, ContainerExitStatus.Invalid, ""));
                launched[n].Clear();
                var list = running[n];
                for (var k = list.Count - 1; k >= 0; k--)
                {
                    if (list[k].End > now) continue;
                    statuses.Add(new ContainerStatus(list[k].Id, ContainerState.Complete, 0, ""));
                    list.RemoveAt(k);
                }
                watch.Start();
                var response = rm.NodeHeartbeat(new NodeHeartbeat(ids[n], statuses), now);
                watch.Stop();
                foreach (var a in response.Allocated)
                {
                    allocations++;
                    if (a.IsAmContainer) launched[n].Add(a.Container.Id);
                    else list.Add((a.Container.Id, now + TimeSpan.FromSeconds(rng.Next(1, 11))));
                }
            }
            foreach (var app in sims) allocations += DriveAm(rm, app, ids, rng, now, watch);
            if (round >= WarmupRounds && (round - WarmupRounds) % 10 == 9)
            {
                var m = rm.Metrics();
                output.WriteLine(string.Create(inv, $"round {round - WarmupRounds + 1}: {allocations} allocations in {watch.Elapsed.TotalSeconds:F2} s of core time; {m.ContainersAllocated} running, {m.ContainersPending} pending, {m.AppsRunning} apps running"));
            }
        }
        var rate = allocations / Math.Max(watch.Elapsed.TotalSeconds, 1e-9);
        output.WriteLine(string.Create(inv, $"yarn_rm nodes={nodes} apps={apps} allocations_per_s={rate:F0}"));
        return rate;
    }

    /// <summary>One AM heartbeat: register once launched, then allocate keeping <see cref="Outstanding"/> asked for.
    /// Allocations are counted at the node heartbeat, so this returns 0 (kept for symmetry of timing).</summary>
    private static int DriveAm(ResourceManagerCore rm, SimApp app, NodeId[] ids, Random rng, DateTimeOffset now, Stopwatch watch)
    {
        if (!app.Registered)
        {
            var attempt = rm.Attempts(app.Id)[^1];
            if (attempt.State != RmAppAttemptState.Launched) return 0;
            watch.Start();
            var registered = rm.RegisterApplicationMaster(attempt.Id, "am", 0, "", now);
            watch.Stop();
            if (!registered.Status.IsOk) throw new InvalidOperationException(registered.Status.Message);
            app.Attempt = attempt.Id;
            app.Registered = true;
        }
        var size = new Resource(app.Id.Id % 2 == 0 ? 1024 : 2048, 1);
        var asks = new List<ResourceRequest> { new(new Priority(1), ResourceRequest.Any, size, Outstanding) };
        if (app.Id.Id % 4 == 0)
        {
            var host = ids[rng.Next(ids.Length)];
            asks.Add(new ResourceRequest(new Priority(1), host.Host, size, 1));
            asks.Add(new ResourceRequest(new Priority(1), $"/rack{int.Parse(host.Host[2..], CultureInfo.InvariantCulture) / 40}", size, 1));
        }
        watch.Start();
        var result = rm.Allocate(new AllocateRequest(app.Attempt!.Value, app.ResponseId, 0.5f, asks, []), now);
        watch.Stop();
        if (!result.Status.IsOk) throw new InvalidOperationException(result.Status.Message);
        app.ResponseId = result.Response!.ResponseId;
        return 0;
    }
}
