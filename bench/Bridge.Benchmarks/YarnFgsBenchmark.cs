using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Bridge.Kernel.Agent;
using Bridge.Kernel.Master;
using Bridge.Kernel.V1;
using Bridge.Yarn.Client;
using Bridge.Yarn.Hosting;
using Bridge.Yarn.Protocol.Records;
using Bridge.Yarn.ResourceManager.Server;
using Bridge.Yarn.Scheduling;
using Bridge.Yarn.V1;
using Resources = Bridge.Kernel.Resources;
using Task = System.Threading.Tasks.Task;
using YarnResource = Bridge.Yarn.ResourceManager.Records.Resource;

namespace Bridge.Benchmarks;

/// <summary>What <see cref="YarnFgsBenchmark.RunAsync"/> measured.</summary>
/// <param name="Containers">Containers the application asked for.</param>
/// <param name="OfferToRunningMs">Per container backed by an offer, from the bridge taking the offer that gave YARN its
/// room to the container's command running on its NodeManager (ms), ascending.</param>
/// <param name="Unbacked">Containers that ran without a placeholder launched from an offer (0 when every allocation came
/// from an offer, as fine-grained scaling intends).</param>
/// <param name="Seconds">From submission to the application's end (s).</param>
public sealed record YarnFgsResult(int Containers, IReadOnlyList<double> OfferToRunningMs, int Unbacked, double Seconds);

/// <summary>
/// The fine-grained scaling benchmark: in this process a master, three agents, the embedded ResourceManager and the YARN
/// bridge with one zero-profile NodeManager per agent (real executor processes, <c>executorCommand</c>); a distributed
/// shell asks for N containers of 1024 MB / 1 vcore whose command writes the time it starts. For each container, the
/// time from the bridge taking the offer that raised its NodeManager's capacity (the <c>placeholder_launched</c> event)
/// to the container's command starting is one figure: the offer becoming NodeManager capacity, the ResourceManager
/// allocating, the ApplicationMaster's next allocate (every 200 ms) and StartContainers, and the NodeManager launching.
/// Last line: <c>yarn_fgs containers=N offer_to_running_ms_p50=X offer_to_running_ms_p99=Y</c>.
/// </summary>
public static class YarnFgsBenchmark
{
    /// <summary>Runs the benchmark, writing progress and the result line to <paramref name="output"/>.</summary>
    /// <param name="containers">Containers to run (at least 1).</param>
    /// <param name="self">The command that runs this program (<c>[bridge]</c> or <c>[dotnet, bridge.dll]</c>): the agents
    /// start its <c>yarn nodemanager-executor</c>, the AM container its <c>yarn am distributed-shell</c>.</param>
    /// <param name="output">Where progress and the result line go.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="containers"/> is below 1.</exception>
    /// <exception cref="TimeoutException">The NodeManagers did not come up in 60 s, or the application did not end in 10 min.</exception>
    /// <exception cref="InvalidOperationException">The application did not succeed.</exception>
    public static async Task<YarnFgsResult> RunAsync(int containers, IReadOnlyList<string> self, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(containers, 1);
        var inv = CultureInfo.InvariantCulture;
        var workDir = Path.Combine(Path.GetTempPath(), $"bridge-bench-yarn-{Guid.NewGuid():N}"[..30]);
        var starts = Directory.CreateDirectory(Path.Combine(workDir, "starts")).FullName;
        var agents = new List<AgentServer>();
        try
        {
            await using var master = await MasterServer.StartAsync(new MasterOptions(), new IPEndPoint(IPAddress.Loopback, 0), cancellationToken: cancellationToken);
            await using var rm = await ResourceManagerServer.StartAsync(new ResourceManagerServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0) }, cancellationToken);
            for (var i = 1; i <= 3; i++)
            {
                var agent = await AgentServer.StartAsync(new AgentOptions
                {
                    Master = master.Address, Hostname = $"bench-agent-{i}", WorkDir = Path.Combine(workDir, $"agent-{i}"),
                    Resources = Resources.Parse(string.Create(inv, $"cpus:8;mem:16384;disk:4096;ports:[{45000 + 100 * i}-{45099 + 100 * i}]")),
                }, new IPEndPoint(IPAddress.Loopback, 0), cancellationToken: cancellationToken);
                agents.Add(agent);
                await agent.Agent.Registered.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }
            var executor = new CommandInfo { Shell = false, Value = self[0] };
            executor.Arguments.AddRange([.. self, "yarn", "nodemanager-executor"]);
            await using var bridge = await YarnBridgeServer.StartAsync(new YarnBridgeFrameworkOptions
            {
                Master = master.Address, WorkDirectory = Path.Combine(workDir, "yarn"), Role = "yarn",
                Bridge = new YarnBridgeOptions
                {
                    ExecutorCommand = executor, ResourceManagerAddress = $"127.0.0.1:{rm.Address.Port}",
                    InitialInstances = new Dictionary<string, int> { ["zero"] = 3 },
                },
            }, new ResourceManagerYarnCluster(rm.ResourceManager), new IPEndPoint(IPAddress.Loopback, 0), cancellationToken);

            var offered = new ConcurrentDictionary<string, DateTimeOffset>();
            using var stopEvents = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var events = Task.Run(async () =>
            {
                try
                {
                    await foreach (var e in bridge.Framework.EventsAsync(stopEvents.Token))
                        if (e.Type == "placeholder_launched") offered.TryAdd(e.Message.Split(' ')[0], e.At);
                }
                catch (OperationCanceledException)
                {
                }
            }, CancellationToken.None);

            await WaitAsync(async () => await bridge.Framework.ReadAsync((core, _) => core.InState(Bridge.Yarn.NodeManagers.NodeManagerTaskState.Active).Count(n => n.Running)) == 3
                && await rm.ResourceManager.ReadAsync(core => core.Metrics().ActiveNodes) == 3, TimeSpan.FromSeconds(60), "3 NodeManagers", cancellationToken);
            output.WriteLine($"setup: master {master.Address}, 3 agents (cpus:8;mem:16384 each), ResourceManager {rm.Address}, 3 zero-profile NodeManagers; {System.Environment.ProcessorCount} cores");

            var am = string.Join(' ', self.Concat(["yarn", "am", "distributed-shell", "--num_containers", containers.ToString(inv), "--container_memory", "1024",
                "--shell_command", $"date +%s%N > {starts}/$CONTAINER_ID"]).Select(ApplicationMasterRunner.ShellQuote)) + " 1><LOG_DIR>/am.stdout 2><LOG_DIR>/am.stderr";
            using var client = new YarnClient(rm.Address);
            var began = DateTimeOffset.UtcNow;
            var app = await client.SubmitAsync(new YarnSubmission("yarn-fgs", "YARN", "default", new YarnResource(1024, 1),
                new ContainerLaunchContext([am], new Dictionary<string, string>(), new Dictionary<string, LocalResource>())), cancellationToken);
            var report = await client.WaitAsync(app, TimeSpan.FromMilliseconds(500), cancellationToken: cancellationToken).WaitAsync(TimeSpan.FromMinutes(10), cancellationToken);
            var seconds = (DateTimeOffset.UtcNow - began).TotalSeconds;
            if (report.FinalApplicationStatus != FinalApplicationStatusProto.AppSucceeded)
                throw new InvalidOperationException($"{app} ended {report.YarnApplicationState} {report.FinalApplicationStatus}: {report.Diagnostics}");
            await stopEvents.CancelAsync();
            await events;

            var figures = new List<double>();
            var unbacked = 0;
            foreach (var file in Directory.GetFiles(starts))
            {
                var started = DateTimeOffset.UnixEpoch.AddTicks(long.Parse(File.ReadAllText(file).Trim(), inv) / 100);
                if (offered.TryGetValue(Path.GetFileName(file), out var at)) figures.Add((started - at).TotalMilliseconds);
                else unbacked++;
            }
            figures.Sort();
            output.WriteLine(string.Create(inv, $"ran: {Directory.GetFiles(starts).Length}/{containers} containers in {seconds:F1} s; {figures.Count} backed by offers, {unbacked} without; max {(figures.Count > 0 ? figures[^1] : 0):F0} ms"));
            var result = new YarnFgsResult(containers, figures, unbacked, seconds);
            output.WriteLine(string.Create(inv, $"yarn_fgs containers={containers} offer_to_running_ms_p50={Percentiles.Of(figures, 50):F0} offer_to_running_ms_p99={Percentiles.Of(figures, 99):F0}"));
            return result;
        }
        finally
        {
            foreach (var agent in agents) await agent.DisposeAsync();
            try
            {
                Directory.Delete(workDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan limit, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + limit;
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException($"no {what} within {limit.TotalSeconds:F0} s");
            await Task.Delay(100, cancellationToken);
        }
    }
}
