using System.CommandLine;
using System.Net;
using Bridge.Schedulers.Jobs.Framework;

namespace Bridge.Host;

/// <summary><c>bridge jobs</c>: the jobs scheduler (Chronos-like, on Quartz) on its own, a framework of a master elsewhere (docs/jobs.md).</summary>
internal static class JobsCommand
{
    public static Command Create()
    {
        var master = SchedulerCommand.MasterOption();
        var bus = SchedulerCommand.BusOption();
        var registry = SchedulerCommand.RegistryOption();
        var port = PortOption();
        var workDir = new Option<string>("--work-dir")
        {
            Description = "Where the scheduler keeps its state (WORK_DIR/jobs.db: jobs, runs, history).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_JOBS_WORK_DIR") ?? Path.Combine(Path.GetTempPath(), "bridge-jobs"),
        };
        var role = new Option<string>("--role") { Description = "The role the jobs' runs launch under.", DefaultValueFactory = _ => Bridge.Kernel.Roles.Default };
        var command = new Command("jobs", "Run the jobs scheduler (Chronos' REST API, /v1/scheduler) until interrupted.") { master, port, workDir, bus, registry, role };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (SchedulerCommand.Masters(parse.GetValue(master)!, "bridge jobs") is not { } masters) return 2;
            var masterUri = masters[0];
            if (!SchedulerCommand.TryBus(parse.GetValue(bus), parse.GetValue(registry), "bridge jobs", out var events)) return 2;
            using var logs = Logging.Create();
            var options = new JobsOptions
            {
                Master = masterUri, OtherMasters = masters.Skip(1).ToList(), WorkDirectory = parse.GetValue(workDir)!, LoggerFactory = logs,
                Scheduler = new() { Role = parse.GetValue(role)! },
            };
            if (await StartAsync(options, parse.GetValue(port), "bridge jobs", cancellationToken) is not { } started) return 1;
            await using (started)
            {
                // Stopped before the scheduler (disposed first), so its last events still go out.
                await using var published = events is { } e ? UpBus.PublishJobEvents(started.Framework, e.Bus, e.Registry, logs) : null;
                Console.WriteLine($"jobs listening on {started.Address.ToString().TrimEnd('/')} master {string.Join(",", masters.Select(m => m.ToString().TrimEnd('/')))} state {Path.Combine(options.WorkDirectory, "jobs.db")}");
                if (events is { } to) Console.WriteLine($"events on {to.Bus.ToString().TrimEnd('/')} topic bridge.jobs (schemas in {to.Registry.ToString().TrimEnd('/')})");
                await Shutdown.WaitAsync(cancellationToken);
            }
            return 0;
        });
        return command;
    }

    /// <summary>The REST port option, default <c>BRIDGE_JOBS_PORT</c> or 4400 (Chronos' port).</summary>
    internal static Option<int> PortOption(string name = "--port") =>
        new(name) { Description = "Port of the jobs scheduler's REST API on 127.0.0.1 (0 picks a free one).", DefaultValueFactory = _ => UpCommand.EnvironmentInt("BRIDGE_JOBS_PORT", 4400) };

    /// <summary>Starts the scheduler, or prints why it cannot (its state is held or broken, the port in use) and returns null.</summary>
    internal static Task<JobsServer?> StartAsync(JobsOptions options, int port, string command, CancellationToken cancellationToken) =>
        SchedulerCommand.StartAsync(() => JobsServer.StartAsync(options, new IPEndPoint(IPAddress.Loopback, port), cancellationToken), command, "jobs scheduler");
}
