using System.CommandLine;
using Bridge.Yarn.Applications.Containers;
using Bridge.Yarn.Applications.Masters;
using Bridge.Yarn.Client;
using Bridge.Yarn.NodeManager;
using Bridge.Yarn.NodeManager.Hosting;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Host;

/// <summary>
/// <c>bridge yarn ...</c>: the processes the YARN bridge starts. <c>yarn am APPLICATION ARGS</c> runs a shipped
/// ApplicationMaster inside its AM container; <c>yarn task APPLICATION map|reduce|commit ...</c> runs a map/reduce task
/// inside its container; <c>yarn nodemanager-executor</c> is the bridge's custom executor hosting a NodeManager.
/// </summary>
internal static class YarnCommand
{
    public static Command Create()
    {
        var yarn = new Command("yarn", "YARN on the pool: the ResourceManager with the bridge, flexup/flexdown/status, submitting applications, and the processes the bridge starts.");
        yarn.Subcommands.Add(Am());
        yarn.Subcommands.Add(TaskCommand());
        yarn.Subcommands.Add(NodeManagerExecutor());
        foreach (var command in YarnClusterCommands.Create()) yarn.Subcommands.Add(command);
        return yarn;
    }

    /// <summary>The command that runs this program: <c>[bridge]</c>, or <c>[dotnet, bridge.dll]</c> when run through dotnet.</summary>
    public static IReadOnlyList<string> Self()
    {
        var process = Environment.ProcessPath ?? "bridge";
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? [process, typeof(YarnCommand).Assembly.Location] : [process];
    }

    private static Command Am()
    {
        var command = new Command("am", "Run a shipped ApplicationMaster in its AM container: distributed-shell OPTIONS | wordcount --job-dir DIR | trace-analytics --job-dir DIR.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var args = parse.UnmatchedTokens.ToList();
            var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
            if (!env.TryGetValue("CONTAINER_ID", out var container) || !ContainerId.TryParse(container, out var containerId))
            {
                Console.Error.WriteLine("bridge yarn am: CONTAINER_ID is not set to a container id: run this only as an ApplicationMaster container");
                return 2;
            }
            var context = new ApplicationMasterContext(containerId.ApplicationAttemptId, [.. Self(), "yarn", "task"]);
            if (!ApplicationMasters.TryCreate(context, args, out var master, out var error))
            {
                Console.Error.WriteLine($"bridge yarn am: {error}");
                return 2;
            }
            using var rm = AmRmClient.FromEnvironment(env);
            using var nm = new NmClient();
            var runner = new ApplicationMasterRunner(rm, nm, TimeProvider.System);
            var result = await runner.RunAsync(master!, env.GetValueOrDefault("NM_HOST", "localhost"), "", cancellationToken);
            Console.WriteLine($"bridge yarn am: {result.Finish.Status}: {result.Finish.Diagnostics} ({result.Launched} containers, {result.Heartbeats} heartbeats)");
            return result.Finish.Status == Bridge.Yarn.ResourceManager.Applications.FinalApplicationStatus.Succeeded ? 0 : 1;
        });
        return command;
    }

    private static Command TaskCommand()
    {
        var command = new Command("task", "Run a map/reduce task in its container: APPLICATION map|reduce|commit --job-dir DIR [--task N] [--attempt K].")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(parse => ContainerMain.Run([.. parse.UnmatchedTokens], Console.Out, Console.Error));
        return command;
    }

    private static Command NodeManagerExecutor()
    {
        var command = new Command("nodemanager-executor", "The YARN bridge's custom executor: runs a NodeManager and its containers' placeholder tasks (started by an agent).");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var sandbox = Environment.GetEnvironmentVariable("BRIDGE_SANDBOX") ?? Directory.GetCurrentDirectory();
            using var logging = Logging.Create(Microsoft.Extensions.Logging.LogLevel.Information);
            var executor = new NodeManagerExecutor(async spec => await NodeManagerServer.StartAsync(new NodeManagerServerOptions
            {
                NodeManager = new NodeManagerOptions
                {
                    NodeId = spec.NodeId,
                    HttpPort = spec.Ports.WebappHttp,
                    Capability = spec.Capability,
                },
                ResourceManager = spec.ResourceManagerUri,
                WorkDir = Path.Combine(sandbox, "nodemanager"),
                LoggerFactory = logging,
            }, cancellationToken), logging.CreateLogger("nodemanager-executor"));
            await using var driver = Bridge.Kernel.Scheduler.ExecutorDriver.FromEnvironment(executor);
            using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _ = executor.Done.ContinueWith(_ => done.CancelAfter(TimeSpan.FromSeconds(5)), TaskScheduler.Default);
            await driver.RunAsync(done.Token);
            return 0;
        });
        return command;
    }
}
