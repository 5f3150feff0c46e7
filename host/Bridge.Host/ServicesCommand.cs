using System.CommandLine;
using System.Net;
using Bridge.Schedulers.Services.Framework;
using Microsoft.Extensions.Logging;

namespace Bridge.Host;

/// <summary><c>bridge services</c>: the services scheduler (Marathon-like) on its own, a framework of a master elsewhere (docs/services.md).</summary>
internal static class ServicesCommand
{
    public static Command Create()
    {
        var master = SchedulerCommand.MasterOption();
        var bus = SchedulerCommand.BusOption();
        var registry = SchedulerCommand.RegistryOption();
        var port = PortOption();
        var workDir = new Option<string>("--work-dir")
        {
            Description = "Where the scheduler keeps its state (WORK_DIR/services.db: apps, versions, deployments, tasks).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_SERVICES_WORK_DIR") ?? Path.Combine(Path.GetTempPath(), "bridge-services"),
        };
        var role = new Option<string>("--role") { Description = "The role the apps run under.", DefaultValueFactory = _ => "*" };
        var command = new Command("services", "Run the services scheduler (Marathon's REST API, /v2/apps) until interrupted.") { master, port, workDir, bus, registry, role };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (SchedulerCommand.Masters(parse.GetValue(master)!, "bridge services") is not { } masters) return 2;
            var masterUri = masters[0];
            if (!SchedulerCommand.TryBus(parse.GetValue(bus), parse.GetValue(registry), "bridge services", out var events)) return 2;
            using var logs = Logging.Create();
            var options = new ServicesOptions { Master = masterUri, OtherMasters = masters.Skip(1).ToList(), WorkDirectory = parse.GetValue(workDir)!, Role = parse.GetValue(role)!, LoggerFactory = logs };
            if (await StartAsync(options, parse.GetValue(port), "bridge services", cancellationToken) is not { } started) return 1;
            await using (started)
            {
                // Stopped before the scheduler (disposed first), so its last events still go out.
                await using var published = events is { } e ? UpBus.PublishServiceEvents(started.Framework, e.Bus, e.Registry, logs) : null;
                Console.WriteLine($"services listening on {started.Address.ToString().TrimEnd('/')} master {string.Join(",", masters.Select(m => m.ToString().TrimEnd('/')))} state {Path.Combine(options.WorkDirectory, "services.db")}");
                if (events is { } to) Console.WriteLine($"events on {to.Bus.ToString().TrimEnd('/')} topic bridge.services (schemas in {to.Registry.ToString().TrimEnd('/')})");
                await Shutdown.WaitAsync(cancellationToken);
            }
            return 0;
        });
        return command;
    }

    /// <summary>The REST port option, default <c>BRIDGE_SERVICES_PORT</c> or 8080 (Marathon's port).</summary>
    internal static Option<int> PortOption(string name = "--port") =>
        new(name) { Description = "Port of the services scheduler's REST API on 127.0.0.1 (0 picks a free one).", DefaultValueFactory = _ => UpCommand.EnvironmentInt("BRIDGE_SERVICES_PORT", 8080) };

    /// <summary>Starts the scheduler, or prints why it cannot (its state is held or broken, the port in use) and returns null.</summary>
    internal static Task<ServicesServer?> StartAsync(ServicesOptions options, int port, string command, CancellationToken cancellationToken) =>
        SchedulerCommand.StartAsync(() => ServicesServer.StartAsync(options, new IPEndPoint(IPAddress.Loopback, port), cancellationToken), command, "services scheduler");

    /// <summary><c>host:port</c> or a URL, as a URL.</summary>
    internal static string Address(string text) => text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
}
