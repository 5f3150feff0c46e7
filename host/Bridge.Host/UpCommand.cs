using System.CommandLine;
using System.Net;
using Bridge.Eventing.Broker;
using Bridge.Eventing.Bus;
using Bridge.Eventing.Schemas;
using Bridge.Eventing.Schemas.Store;
using Bridge.Host.Demo;
using Bridge.Kernel.Agent;
using Bridge.Kernel.Master;
using Bridge.Kernel.Master.Registry;
using Bridge.Schedulers.Jobs.Framework;
using Bridge.Schedulers.Services.Framework;
using Microsoft.Extensions.Logging;

namespace Bridge.Host;

/// <summary>
/// <c>bridge up</c>: the whole system on this machine in one process, the way mesos-local did: a
/// master on 127.0.0.1, the embedded Kafka broker (127.0.0.1:9092), the schema registry over it
/// (127.0.0.1:8081), the event bus, the services and jobs schedulers, the YARN ResourceManager (127.0.0.1:8088) with the
/// bridge (127.0.0.1:8192) and one fine-grained NodeManager per agent, and N agents sharing the machine's resources, each with its own hostname
/// (<c>agent-1</c>, <c>agent-2</c>, ...) so per-host placement behaves as on a real cluster. Tasks are
/// real processes; Ctrl-C kills them and stops.
/// </summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port")
        {
            Description = "Master port on 127.0.0.1 (0 picks a free one).",
            DefaultValueFactory = _ => EnvironmentInt("BRIDGE_PORT", 5050),
        };
        var agents = new Option<int>("--agents") { Description = "Number of agents sharing this machine's resources.", DefaultValueFactory = _ => EnvironmentInt("BRIDGE_AGENTS", 1) };
        var workDir = new Option<string>("--work-dir")
        {
            Description = "Where agents keep sandboxes (WORK_DIR/agent-N), the master its registry (WORK_DIR/master/registry.db) and the broker its logs (WORK_DIR/broker).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_WORK_DIR") ?? Path.Combine(Path.GetTempPath(), "bridge-up"),
        };
        var offerTimeout = MasterCommand.OfferTimeoutOption();
        var brokerPort = BrokerCommand.PortOption("--broker-port", "Kafka broker port on 127.0.0.1 (0 picks a free one).");
        var registryPort = RegistryCommand.PortOption("--registry-port", "Schema registry port on 127.0.0.1 (0 picks a free one).");
        var busPort = new Option<int>("--bus-port") { Description = "Event bus (API tier) port on 127.0.0.1 (0 picks a free one).", DefaultValueFactory = _ => EnvironmentInt("BRIDGE_BUS_PORT", 7070) };
        var busBackends = new Option<int>("--bus-backends") { Description = "Back-end nodes of the event bus.", DefaultValueFactory = _ => 3 };
        var servicesPort = ServicesCommand.PortOption("--services-port");
        var jobsPort = JobsCommand.PortOption("--jobs-port");
        var yarnRmPort = new Option<int>("--yarn-rm-port") { Description = "The embedded YARN ResourceManager's port on 127.0.0.1 (0 picks a free one).", DefaultValueFactory = _ => EnvironmentInt("BRIDGE_YARN_RM_PORT", 8088) };
        var yarnPort = new Option<int>("--yarn-port") { Description = "The YARN bridge's REST port on 127.0.0.1 (Myriad's /api; 0 picks a free one).", DefaultValueFactory = _ => EnvironmentInt("BRIDGE_YARN_PORT", 8192) };
        var demo = new Option<bool>("--demo") { Description = "Then run the demo (examples/demo/demo.json): a web service, a job every minute, YARN word count and trace analytics, roles with weights." };
        var demoConfig = new Option<string>("--demo-config") { Description = "The demo's configuration.", DefaultValueFactory = _ => DemoConfig.DefaultPath() };
        var command = new Command("up", "Run the whole system on this machine until interrupted (Ctrl-C).") { port, agents, workDir, offerTimeout, brokerPort, registryPort, busPort, busBackends, servicesPort, jobsPort, yarnRmPort, yarnPort, demo, demoConfig };
        command.SetAction(async (parse, cancellationToken) =>
        {
            DemoConfig? demoRun = null;
            if (parse.GetValue(demo))
            {
                try
                {
                    demoRun = DemoConfig.Load(parse.GetValue(demoConfig)!);
                }
                catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"bridge up: the demo's configuration: {e.Message}");
                    return 2;
                }
            }
            // The demo's agent count unless --agents was given.
            var count = demoRun is not null && parse.GetResult(agents) is null or { Implicit: true } ? demoRun.Agents : parse.GetValue(agents);
            if (count < 1)
            {
                Console.Error.WriteLine("bridge up: --agents must be at least 1");
                return 2;
            }
            var root = parse.GetValue(workDir)!;
            if (MasterCommand.Options(parse, offerTimeout, Path.Combine(root, "master"), "bridge up") is not { } masterOptions) return 2;
            // The dashboard's YARN and bus sections read what starts after the master.
            KafkaBroker? brokerStarted = null;
            YarnUp? yarnStarted = null;
            var options = masterOptions with
            {
                // bridge up's agents live in this process and stop with it, their tasks killed; started again they register
                // under new ids. So agents of an earlier run in the registry never come back: do not wait 10 minutes for them
                // (offers are held and reconciliation of their tasks deferred meanwhile); 15 s covers this start's agents.
                AgentReregisterTimeout = TimeSpan.FromSeconds(15),
                DashboardPanels =
                [
                    UpDashboard.Yarn(() => yarnStarted is { } y ? (y.Bridge.Address, y.ResourceManager.Address) : null),
                    UpDashboard.Bus(() => brokerStarted?.Logs, TimeProvider.System),
                ],
            };
            using var logs = Logging.Create();
            MasterServer started;
            try
            {
                started = await MasterServer.StartAsync(options, new IPEndPoint(IPAddress.Loopback, parse.GetValue(port)), logs, cancellationToken);
            }
            catch (Exception e) when (e is RegistryException or IOException)
            {
                Console.Error.WriteLine($"bridge up: cannot start the master on 127.0.0.1:{parse.GetValue(port)}: {e.Message}");
                return 1;
            }
            await using var master = started;
            var brokerOptions = new BrokerOptions
            {
                DataDirectory = Path.Combine(root, "broker"),
                Endpoint = new IPEndPoint(IPAddress.Loopback, parse.GetValue(brokerPort)),
                LoggerFactory = logs,
            };
            if (await BrokerCommand.StartAsync(brokerOptions, "bridge up", cancellationToken) is not { } startedBroker) return 1;
            await using var broker = startedBroker;
            brokerStarted = broker;
            var registryOptions = new SchemaRegistryOptions
            {
                Endpoint = new IPEndPoint(IPAddress.Loopback, parse.GetValue(registryPort)),
                Store = new SchemaStoreOptions { BootstrapServers = broker.BootstrapServers },
                LoggerFactory = logs,
            };
            if (await RegistryCommand.StartAsync(registryOptions, "bridge up", cancellationToken) is not { } startedRegistry) return 1;
            await using var schemaRegistry = startedRegistry;
            BusCluster bus;
            try
            {
                bus = await UpBus.StartAsync(Path.Combine(root, "bus"), broker.BootstrapServers, schemaRegistry.Address, parse.GetValue(busPort), parse.GetValue(busBackends), logs);
            }
            catch (Exception e) when (e is IOException or Bridge.Eventing.Security.KeyFileException or ArgumentException)
            {
                Console.Error.WriteLine($"bridge up: cannot start the event bus: {e.Message}");
                return 1;
            }
            await using var _ = bus;
            await using var kernelEvents = UpBus.PublishKernelEvents(master.Address, bus, schemaRegistry.Address, logs);
            var shares = ResourceDetection.Split(ResourceDetection.Detect(root), count);
            var servers = new List<AgentServer>();
            try
            {
                for (var i = 0; i < count; i++)
                {
                    var name = $"agent-{i + 1}";
                    servers.Add(await AgentServer.StartAsync(new AgentOptions
                    {
                        Master = master.Address,
                        Hostname = name,
                        Resources = shares[i],
                        WorkDir = Path.Combine(root, name),
                    }, new IPEndPoint(IPAddress.Loopback, 0), logs, cancellationToken));
                }
                await Task.WhenAll(servers.Select(s => s.Agent.Registered));
                var servicesOptions = new ServicesOptions { Master = master.Address, WorkDirectory = Path.Combine(root, "services"), LoggerFactory = logs, Role = demoRun?.Services.Role ?? "*" };
                if (await ServicesCommand.StartAsync(servicesOptions, parse.GetValue(servicesPort), "bridge up", cancellationToken) is not { } startedServices) return 1;
                await using var services = startedServices;
                var jobsOptions = new JobsOptions
                {
                    Master = master.Address, WorkDirectory = Path.Combine(root, "jobs"), LoggerFactory = logs,
                    Scheduler = new() { Role = demoRun?.Jobs.Role ?? Bridge.Kernel.Roles.Default },
                };
                if (await JobsCommand.StartAsync(jobsOptions, parse.GetValue(jobsPort), "bridge up", cancellationToken) is not { } startedJobs) return 1;
                await using var jobs = startedJobs;
                // YARN: the embedded ResourceManager and the bridge, with one fine-grained (zero-profile) NodeManager per agent.
                // One machine's cores split among agents are fractions: 8 vcores per cpu lets YARN count them in whole vcores.
                if (await YarnUp.StartAsync([master.Address], Path.Combine(root, "yarn"), parse.GetValue(yarnRmPort), parse.GetValue(yarnPort), demoRun?.Yarn.Role ?? "yarn",
                        new Dictionary<string, int> { ["zero"] = count }, UpVCoresPerCpu, logs, "bridge up", cancellationToken) is not { } startedYarn) return 1;
                await using var yarn = startedYarn;
                yarnStarted = yarn;
                // Declared after the schedulers, so stopped before them: the last events still go out.
                await using var serviceEvents = UpBus.PublishServiceEvents(services.Framework, bus.Api.Address, schemaRegistry.Address, logs);
                await using var jobEvents = UpBus.PublishJobEvents(jobs.Framework, bus.Api.Address, schemaRegistry.Address, logs);
                await using var yarnEvents = UpBus.PublishYarnEvents(yarn.Bridge.Framework, bus.Api.Address, schemaRegistry.Address, logs);
                Console.WriteLine($"bridge {VersionCommand.Describe()} up");
                Console.WriteLine($"  master   {master.Address}  (scheduler, agent and operator APIs over gRPC; /api/v1/state, /metrics, /health; the dashboard: open {master.Address})");
                Console.WriteLine($"  registry {Path.Combine(root, "master", "registry.db")}");
                foreach (var s in servers)
                    Console.WriteLine($"  {s.Agent.Hostname,-8} {s.Address}  {s.Agent.Total}  isolation {s.Agent.Isolation}");
                Console.WriteLine($"  broker   {broker.BootstrapServers}  (Kafka protocol; data in {brokerOptions.DataDirectory})");
                Console.WriteLine($"  schemas  {schemaRegistry.Address.ToString().TrimEnd('/')}  (schema registry, Confluent's REST API; topic {registryOptions.Store.Topic})");
                Console.WriteLine($"  bus      {bus.Api.Address.ToString().TrimEnd('/')}  (event bus sessions over gRPC; {bus.Backends.Count} back-end nodes; records encrypted, keys in {Path.Combine(root, "bus")})");
                Console.WriteLine($"  events   bridge.tasks bridge.agents bridge.frameworks bridge.offers  (the master's events on the bus: ./bridge events tail --topic bridge.tasks)");
                Console.WriteLine($"           bridge.services bridge.jobs bridge.yarn  (the schedulers' and the YARN bridge's events on the bus: ./bridge events tail --topic bridge.yarn)");
                Console.WriteLine($"  services {services.Address.ToString().TrimEnd('/')}  (services scheduler, Marathon's /v2 REST API; ./bridge app deploy examples/services/web.json)");
                Console.WriteLine($"  jobs     {jobs.Address.ToString().TrimEnd('/')}  (jobs scheduler, Chronos' /v1/scheduler REST API; ./bridge job add examples/jobs/hourly.json)");
                Console.WriteLine($"  yarn     {yarn.ResourceManager.Address.ToString().TrimEnd('/')}  (embedded ResourceManager: YARN protocols over gRPC, /ws/v1/cluster; ./bridge yarn submit wordcount --input /usr/share/common-licenses --output /tmp/wc)");
                Console.WriteLine($"  bridge   {yarn.Bridge.Address.ToString().TrimEnd('/')}  (YARN bridge, Myriad's /api: {count} fine-grained NodeManager(s), role yarn; ./bridge yarn status)");
                Console.WriteLine("Press Ctrl-C to stop.");
                using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var demoDone = demoRun is null ? Task.CompletedTask : RunDemoAsync(demoRun,
                    new DemoEndpoints(master.Address, services.Address, jobs.Address, yarn.ResourceManager.Address), Path.Combine(root, "demo"), stopping.Token);
                await Shutdown.WaitAsync(cancellationToken);
                await stopping.CancelAsync();
                await demoDone;
                Console.WriteLine("stopping: killing tasks");
            }
            finally
            {
                foreach (var s in servers) await s.DisposeAsync();
            }
            return 0;
        });
        return command;
    }

    /// <summary>Runs the demo, then says where to look; a demo stopped by Ctrl-C says nothing more.</summary>
    private static async Task RunDemoAsync(DemoConfig config, DemoEndpoints endpoints, string outputRoot, CancellationToken stopping)
    {
        Console.WriteLine();
        Console.WriteLine($"demo: starting ({config.Apps.Count} service(s), {config.JobFiles.Count} job(s), {config.YarnJobs.Count} YARN job(s)); every event goes to the bus: ./bridge events tail --topic bridge.tasks");
        try
        {
            await new DemoRun(config, endpoints, outputRoot, Console.Out).RunAsync(stopping);
            Console.WriteLine($"demo: the system keeps running. Open the dashboard at {endpoints.Master}, watch events with ./bridge events tail --topic bridge.tasks (or bridge.services, bridge.jobs, bridge.yarn), Ctrl-C to stop.");
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>YARN vcores per kernel cpu in <c>bridge up</c> (Hadoop's pcores-vcores-multiplier).</summary>
    internal const double UpVCoresPerCpu = 8;

    internal static int EnvironmentInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) ? value : fallback;
}
