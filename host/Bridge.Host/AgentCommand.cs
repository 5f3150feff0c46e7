using System.CommandLine;
using System.Net;
using Bridge.Kernel;
using Bridge.Kernel.Agent;

namespace Bridge.Host;

/// <summary><c>bridge agent --master HOST:PORT[,HOST:PORT...]</c>: an agent on its own, offering this machine (or <c>--resources</c>).</summary>
internal static class AgentCommand
{
    public static Command Create()
    {
        var master = new Option<string>("--master")
        {
            Description = "The master, HOST:PORT; several, comma-separated, when masters elect a leader in etcd (the agent follows the leader).", Required = true,
        };
        var hostname = new Option<string>("--hostname") { Description = "Hostname to report.", DefaultValueFactory = _ => Environment.MachineName };
        var resources = new Option<string?>("--resources") { Description = "Resources in the Mesos syntax, e.g. 'cpus:4;mem:8192;ports:[31000-32000]' (default: detected)." };
        var attributes = new Option<string?>("--attributes") { Description = "Attributes, e.g. 'rack:r1;zone:a'." };
        var workDir = new Option<string>("--work-dir") { Description = "Sandboxes and checkpoints.", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "bridge", "agent") };
        var port = new Option<int>("--port") { Description = "Port of the agent's endpoint on 127.0.0.1.", DefaultValueFactory = _ => 5051 };
        var command = new Command("agent", "Run an agent until interrupted.") { master, hostname, resources, attributes, workDir, port };
        command.SetAction(async (parse, cancellationToken) =>
        {
            AgentOptions options;
            try
            {
                var masters = parse.GetValue(master)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Shutdown.MasterUri).ToArray();
                if (masters.Length == 0) throw new FormatException("--master: no master given");
                options = new AgentOptions
                {
                    Master = masters[0],
                    OtherMasters = masters[1..],
                    Hostname = parse.GetValue(hostname)!,
                    Resources = parse.GetValue(resources) is { } r ? Resources.Parse(r) : null,
                    Attributes = parse.GetValue(attributes) is { } a ? Attributes.Parse(a) : Attributes.Empty,
                    WorkDir = parse.GetValue(workDir)!,
                };
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine($"bridge agent: {e.Message}");
                return 2;
            }
            using var logs = Logging.Create();
            var server = await AgentServer.StartAsync(options, new IPEndPoint(IPAddress.Loopback, parse.GetValue(port)), logs, cancellationToken);
            Console.WriteLine($"agent {options.Hostname} at {server.Address}: {server.Agent.Total}, isolation {server.Agent.Isolation}");
            await Shutdown.WaitAsync(cancellationToken);
            // Mesos agents leave tasks running when they stop (a restarted agent recovers them).
            await server.StopAsync(killTasks: false);
            return 0;
        });
        return command;
    }
}
