using System.Net;
using Bridge.Kernel.V1;
using Bridge.Yarn.Hosting;
using Bridge.Yarn.ResourceManager.Server;
using Bridge.Yarn.Scheduling;
using Microsoft.Extensions.Logging;

namespace Bridge.Host;

/// <summary>
/// The YARN side of a Bridge cluster as one unit, the way Myriad ran inside the ResourceManager: the embedded
/// ResourceManager (gRPC protocols and Hadoop's REST API, 127.0.0.1:8088) and the bridge framework with Myriad's REST
/// API (127.0.0.1:8192), the bridge reaching the ResourceManager in-process. Used by <c>bridge up</c> and
/// <c>bridge yarn resourcemanager</c>.
/// </summary>
internal sealed class YarnUp : IAsyncDisposable
{
    private YarnUp(ResourceManagerServer rm, YarnBridgeServer bridge)
    {
        ResourceManager = rm;
        Bridge = bridge;
    }

    /// <summary>The ResourceManager.</summary>
    public ResourceManagerServer ResourceManager { get; }

    /// <summary>The bridge.</summary>
    public YarnBridgeServer Bridge { get; }

    /// <summary>The command the agents run as the bridge's executor: this program's <c>yarn nodemanager-executor</c>.</summary>
    public static CommandInfo ExecutorCommand()
    {
        var self = YarnCommand.Self();
        var command = new CommandInfo { Shell = false, Value = self[0] };
        command.Arguments.AddRange([.. self, "yarn", "nodemanager-executor"]);
        return command;
    }

    /// <summary>Starts the ResourceManager on <paramref name="rmPort"/> and the bridge (state in
    /// <c>WORK_DIR/yarn-bridge.db</c>) on <paramref name="bridgePort"/>, or prints why not and returns null.</summary>
    /// <param name="masters">The kernel master (the first), or the masters electing a leader in etcd.</param>
    /// <param name="workDir">The bridge's state directory.</param>
    /// <param name="rmPort">The ResourceManager's port on 127.0.0.1 (0: a free one).</param>
    /// <param name="bridgePort">The bridge's REST port on 127.0.0.1 (0: a free one).</param>
    /// <param name="role">The role NodeManagers and YARN containers' placeholders run under.</param>
    /// <param name="initial">NodeManagers flexed up at the first start, by profile (Myriad's <c>nmInstances</c>).</param>
    /// <param name="vcoresPerCpu">YARN vcores per kernel cpu (<see cref="YarnBridgeOptions.VCoresPerCpu"/>).</param>
    /// <param name="logs">Where both log.</param>
    /// <param name="command">The command, for messages.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    public static async Task<YarnUp?> StartAsync(IReadOnlyList<Uri> masters, string workDir, int rmPort, int bridgePort, string role,
        IReadOnlyDictionary<string, int> initial, double vcoresPerCpu, ILoggerFactory logs, string command, CancellationToken cancellationToken)
    {
        var rm = await SchedulerCommand.StartAsync(() => ResourceManagerServer.StartAsync(new ResourceManagerServerOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, rmPort),
            LoggerFactory = logs,
        }, cancellationToken), command, "ResourceManager");
        if (rm is null) return null;
        try
        {
            var options = new YarnBridgeFrameworkOptions
            {
                Master = masters[0],
                OtherMasters = masters.Skip(1).ToList(),
                WorkDirectory = workDir,
                Role = role,
                LoggerFactory = logs,
                Bridge = new YarnBridgeOptions
                {
                    ExecutorCommand = ExecutorCommand(),
                    ResourceManagerAddress = $"127.0.0.1:{rm.Address.Port}",
                    InitialInstances = initial,
                    VCoresPerCpu = vcoresPerCpu,
                },
            };
            var cluster = new ResourceManagerYarnCluster(rm.ResourceManager, logs.CreateLogger("Bridge.Yarn.Hosting"));
            var bridge = await SchedulerCommand.StartAsync(() => YarnBridgeServer.StartAsync(options, cluster,
                new IPEndPoint(IPAddress.Loopback, bridgePort), cancellationToken), command, "YARN bridge");
            if (bridge is null)
            {
                await rm.DisposeAsync();
                return null;
            }
            return new YarnUp(rm, bridge);
        }
        catch
        {
            await rm.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the bridge (its NodeManagers keep running for the failover timeout), then the ResourceManager.</summary>
    public async ValueTask DisposeAsync()
    {
        await Bridge.DisposeAsync();
        await ResourceManager.DisposeAsync();
    }
}
