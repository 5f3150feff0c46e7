using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bridge.Kernel;
using Bridge.Kernel.Agent;
using Bridge.Kernel.Master;
using Bridge.Kernel.V1;
using Bridge.Testing;
using Bridge.Yarn.Hosting;
using Bridge.Yarn.ResourceManager.Server;
using Bridge.Yarn.Scheduling;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Yarn.Hosting.Tests;

/// <summary>
/// A whole YARN-on-Bridge cluster on loopback, as <c>bridge up</c> runs it: a master, agents named <c>agent-N</c>, the
/// embedded ResourceManager, and the bridge (its REST API on a free port) whose executor is the built host's
/// <c>yarn nodemanager-executor</c>. Disposed, it stops the bridge, the ResourceManager and the agents (killing every
/// task process).
/// </summary>
internal sealed class YarnCluster : IAsyncDisposable
{
    private readonly List<AgentServer> _agents = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private YarnCluster(string workDir, MasterServer master, ResourceManagerServer rm)
    {
        WorkDir = workDir;
        Master = master;
        ResourceManager = rm;
    }

    public string WorkDir { get; }
    public MasterServer Master { get; }
    public ResourceManagerServer ResourceManager { get; }
    public YarnBridgeServer Bridge { get; private set; } = null!;
    public IReadOnlyList<AgentServer> Agents => _agents;

    /// <summary>The executor the agents start: the built host, run with this test's dotnet.</summary>
    public static CommandInfo ExecutorCommand()
    {
        var dotnet = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "/usr/bin/dotnet";
        return new CommandInfo { Shell = false, Value = dotnet, Arguments = { dotnet, BridgeProgram.Dll(), "yarn", "nodemanager-executor" } };
    }

    /// <summary>Starts the cluster with <paramref name="agents"/> agents of <paramref name="agentResources"/> each (and 100
    /// ports each, apart: they share 127.0.0.1, as <c>bridge up</c>'s do), and the bridge with <paramref name="initial"/>
    /// NodeManagers (default: one zero-profile NodeManager per agent).</summary>
    public static async Task<YarnCluster> StartAsync(int agents = 3, string agentResources = "cpus:2;mem:6144;disk:4096",
        IReadOnlyDictionary<string, int>? initial = null, Func<YarnBridgeOptions, YarnBridgeOptions>? configure = null)
    {
        var workDir = Path.Combine(Path.GetTempPath(), "bridge-yarn-e2e", Guid.NewGuid().ToString("N")[..8]);
        var master = await MasterServer.StartAsync(new MasterOptions(), new IPEndPoint(IPAddress.Loopback, 0));
        var rm = await ResourceManagerServer.StartAsync(new ResourceManagerServerOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
            NodeHeartbeatInterval = TimeSpan.FromMilliseconds(200),
        });
        var cluster = new YarnCluster(workDir, master, rm);
        // A block of ports apart from other tests' on this machine and from outgoing connections' ephemeral ports
        // (NodeManagers bind what their offers give).
        var ports = 20000 + 500 * Random.Shared.Next(0, 20); // below Linux's ephemeral range (32768-60999)
        try
        {
            for (var i = 1; i <= agents; i++)
            {
                var agent = await AgentServer.StartAsync(new AgentOptions
                {
                    Master = master.Address, Hostname = $"agent-{i}", Resources = Resources.Parse($"{agentResources};ports:[{ports + 100 * i}-{ports + 99 + 100 * i}]"),
                    WorkDir = Path.Combine(workDir, $"agent-{i}"), DefaultKillGracePeriod = TimeSpan.FromSeconds(2),
                }, new IPEndPoint(IPAddress.Loopback, 0));
                cluster._agents.Add(agent);
                await agent.Agent.Registered.WaitAsync(TimeSpan.FromSeconds(30));
            }
            var options = new YarnBridgeOptions
            {
                ExecutorCommand = ExecutorCommand(),
                ResourceManagerAddress = $"127.0.0.1:{rm.Address.Port}",
                InitialInstances = initial ?? new Dictionary<string, int> { ["zero"] = agents },
            };
            cluster._bridgeOptions = configure?.Invoke(options) ?? options;
            await cluster.StartBridgeAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private YarnBridgeOptions _bridgeOptions = null!;

    /// <summary>Starts the bridge on its work dir (again, after <see cref="StopBridgeAsync"/>: it restores its state).</summary>
    public async Task StartBridgeAsync()
    {
        Bridge = await StartBridgeCoreAsync();
        _bridgeRunning = true;
    }

    private Task<YarnBridgeServer> StartBridgeCoreAsync() => YarnBridgeServer.StartAsync(new YarnBridgeFrameworkOptions
    {
        Master = Master.Address,
        WorkDirectory = Path.Combine(WorkDir, "yarn"),
        Role = "yarn",
        Bridge = _bridgeOptions,
        TickInterval = TimeSpan.FromMilliseconds(200),
    }, new ResourceManagerYarnCluster(ResourceManager.ResourceManager), new IPEndPoint(IPAddress.Loopback, 0));

    /// <summary>Stops the bridge process-wise (its NodeManagers keep running: the master keeps them for the failover timeout).</summary>
    public async Task StopBridgeAsync()
    {
        await Bridge.DisposeAsync();
        _bridgeRunning = false;
    }

    private bool _bridgeRunning;

    /// <summary>GET <paramref name="path"/> on the bridge's REST API as JSON.</summary>
    public async Task<JsonObject> BridgeJsonAsync(string path) =>
        (await _http.GetFromJsonAsync<JsonObject>(new Uri(Bridge.Address, path)))!;

    /// <summary>PUT <paramref name="json"/> on the bridge's REST API.</summary>
    public async Task<(int Status, string Body)> PutAsync(string path, string json)
    {
        using var response = await _http.PutAsync(new Uri(Bridge.Address, path), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The master's <c>/api/v1/state</c>.</summary>
    public async Task<JsonObject> MasterStateAsync() => (await _http.GetFromJsonAsync<JsonObject>(new Uri(Master.Address, "/api/v1/state")))!;

    /// <summary>The ResourceManager's <c>/ws/v1/cluster/...</c> JSON.</summary>
    public async Task<JsonObject> RmJsonAsync(string path) => (await _http.GetFromJsonAsync<JsonObject>(new Uri(ResourceManager.Address, path)))!;

    /// <summary>The bridge's NodeManagers in <paramref name="state"/> (ACTIVE, STAGING, ...), from <c>/api/state</c>.</summary>
    public async Task<List<JsonObject>> NodeManagersAsync(string? state = null) =>
        (await BridgeJsonAsync("/api/state"))["nodeManagers"]!.AsArray().Select(n => n!.AsObject())
            .Where(n => state is null || (string?)n["state"] == state).ToList();

    /// <summary>Waits until <paramref name="count"/> NodeManagers are ACTIVE in the bridge and RUNNING in YARN.</summary>
    public async Task WaitForNodeManagersAsync(int count, TimeSpan? timeout = null)
    {
        await Wait.UntilAsync(async () => (await NodeManagersAsync("ACTIVE")).Count(n => (bool)n["running"]!) >= count,
            $"{count} NodeManager(s) active", timeout ?? TimeSpan.FromSeconds(60));
        await Wait.UntilAsync(async () => (int)(await RmJsonAsync("/ws/v1/cluster/metrics"))["clusterMetrics"]!["activeNodes"]! >= count,
            $"{count} NodeManager(s) registered with the ResourceManager", timeout ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// What the role holds in the master (cpus, mem) apart from offers outstanding: its allocation in the allocator
    /// (which, as in Mesos, counts offered resources too) minus its frameworks' <c>offered_resources</c>, from one
    /// <c>/api/v1/state</c>. An offer on its way to being declined is not part of YARN's share.
    /// </summary>
    public async Task<(double Cpus, double Mem)> RoleAllocatedAsync(string role)
    {
        var state = await MasterStateAsync();
        var allocated = state["roles"]!.AsArray().FirstOrDefault(r => (string?)r!["name"] == role)?["allocated"]?.AsObject();
        var offered = state["frameworks"]!.AsArray().Where(f => f!["roles"]!.AsArray().Any(r => (string?)r == role))
            .Select(f => f!["offered_resources"]?.AsObject()).ToList();
        double Sum(string name) => Math.Round(((double?)allocated?[name] ?? 0) - offered.Sum(o => (double?)o?[name] ?? 0), 6);
        return (Sum("cpus"), Sum("mem"));
    }

    /// <summary>
    /// Waits until <see cref="RoleAllocatedAsync"/> is <paramref name="expected"/>; on timeout, says the last value, the
    /// master's tasks and the bridge's state.
    /// </summary>
    public async Task WaitForRoleAllocatedAsync(string role, (double Cpus, double Mem) expected, string what, TimeSpan? timeout = null)
    {
        var last = (0.0, 0.0);
        try
        {
            await Wait.UntilAsync(async () => (last = await RoleAllocatedAsync(role)) == (Math.Round(expected.Cpus, 6), Math.Round(expected.Mem, 6)),
                what, timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException e)
        {
            var tasks = (await MasterStateAsync())["tasks"]!.AsArray().Select(t => $"{t!["id"]} {t["state"]} {t["resources"]?.ToJsonString()}");
            throw new TimeoutException($"{e.Message}: role {role} holds {last}, expected {expected}; master tasks: {string.Join("; ", tasks)}; "
                + $"bridge: {(_bridgeRunning ? (await BridgeJsonAsync("/api/state")).ToJsonString() : "stopped")}", e);
        }
    }

    /// <summary>Task ids in the master with <paramref name="prefix"/>.</summary>
    public async Task<List<string>> MasterTasksAsync(string prefix) =>
        (await MasterStateAsync())["tasks"]!.AsArray().Select(t => (string)t!["id"]!).Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    public async ValueTask DisposeAsync()
    {
        if (_bridgeRunning) await Bridge.DisposeAsync();
        foreach (var agent in _agents) await agent.DisposeAsync();
        await ResourceManager.DisposeAsync();
        await Master.DisposeAsync();
        _http.Dispose();
        try
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
