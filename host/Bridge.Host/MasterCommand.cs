using System.CommandLine;
using System.Net;
using Bridge.Kernel.Allocation;
using Bridge.Kernel.Master;
using Bridge.Kernel.Master.Registry;

namespace Bridge.Host;

/// <summary><c>bridge master</c>: a master on its own, for agents and frameworks on other machines.</summary>
internal static class MasterCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Port to serve on.", DefaultValueFactory = _ => UpCommand.EnvironmentInt("BRIDGE_PORT", 5050) };
        var address = new Option<string>("--ip")
        {
            Description = "Address to bind (127.0.0.1 by default; 0.0.0.0 for a real cluster).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_ADDRESS") ?? "127.0.0.1",
        };
        var workDir = new Option<string?>("--work-dir")
        {
            Description = "Where the master keeps its registry (WORK_DIR/registry.db: agents, weights, quota, reservations survive a restart). Default: in memory.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_MASTER_WORK_DIR"),
        };
        var offerTimeout = OfferTimeoutOption();
        var command = new Command("master", "Run a master until interrupted.") { port, address, workDir, offerTimeout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!IPAddress.TryParse(parse.GetValue(address), out var ip))
            {
                Console.Error.WriteLine($"bridge master: --ip '{parse.GetValue(address)}' is not an IP address");
                return 2;
            }
            if (Options(parse, offerTimeout, parse.GetValue(workDir), "bridge master") is not { } options) return 2;
            using var logs = Logging.Create();
            MasterServer master;
            try
            {
                master = await MasterServer.StartAsync(options, new IPEndPoint(ip, parse.GetValue(port)), logs, cancellationToken);
            }
            catch (RegistryException e)
            {
                Console.Error.WriteLine($"bridge master: {e.Message}");
                return 1;
            }
            await using (master)
            {
                Console.WriteLine($"master {master.Master.Info.Id} at {master.Address}, registry {(options.WorkDir is { } dir ? Path.Combine(dir, "registry.db") : "in memory")}");
                await Shutdown.WaitAsync(cancellationToken);
            }
            return 0;
        });
        return command;
    }

    /// <summary><c>--offer-timeout SECONDS</c>: outstanding offers older than this are rescinded (Mesos <c>--offer_timeout</c>).</summary>
    internal static Option<double?> OfferTimeoutOption() => new("--offer-timeout")
    {
        Description = "Seconds after which an offer a framework has neither accepted nor declined is rescinded (default: never).",
    };

    /// <summary>The master's options from the flags, or null (after printing why) when a flag is out of range.</summary>
    internal static MasterOptions? Options(ParseResult parse, Option<double?> offerTimeout, string? workDir, string command)
    {
        var allocator = new AllocatorOptions();
        if (parse.GetValue(offerTimeout) is { } seconds)
        {
            if (!double.IsFinite(seconds) || seconds <= 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            {
                Console.Error.WriteLine($"{command}: --offer-timeout must be a positive number of seconds, not {seconds}");
                return null;
            }
            allocator = allocator with { OfferTimeout = TimeSpan.FromSeconds(seconds) };
        }
        return new MasterOptions { Allocator = allocator, WorkDir = string.IsNullOrEmpty(workDir) ? null : workDir };
    }
}
