using System.CommandLine;
using System.Net;
using Bridge.Kernel.Allocation;
using Bridge.Kernel.Coordination.Etcd;
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
        var etcd = new Option<string?>("--etcd")
        {
            Description = "etcd endpoints (http://HOST:PORT,...): masters elect their leader there and keep the registry there; "
                + "a master stands by, redirecting callers to the leader, until it is elected. Default: a lone master.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_ETCD_ENDPOINTS"),
        };
        var leaseTtl = new Option<int>("--etcd-lease-ttl")
        {
            Description = "Seconds of the leader's etcd lease: a dead leader is replaced about this long after it dies (etcd's minimum is 1.5 election timeouts).",
            DefaultValueFactory = _ => 5,
        };
        var root = new Option<string>("--etcd-prefix") { Description = "Key prefix in etcd (election under PREFIX/leader/, registry under PREFIX/registry/).", DefaultValueFactory = _ => "/bridge" };
        var offerTimeout = OfferTimeoutOption();
        var command = new Command("master", "Run a master until interrupted.") { port, address, workDir, etcd, leaseTtl, root, offerTimeout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!IPAddress.TryParse(parse.GetValue(address), out var ip))
            {
                Console.Error.WriteLine($"bridge master: --ip '{parse.GetValue(address)}' is not an IP address");
                return 2;
            }
            if (Options(parse, offerTimeout, parse.GetValue(workDir), "bridge master") is not { } options) return 2;
            using var logs = Logging.Create();
            if (parse.GetValue(etcd) is { Length: > 0 } endpoints) return await RunElectedAsync(options, endpoints, parse.GetValue(leaseTtl), parse.GetValue(root)!,
                new IPEndPoint(ip, parse.GetValue(port)), logs, cancellationToken);
            MasterServer master;
            try
            {
                master = await MasterServer.StartAsync(options, new IPEndPoint(ip, parse.GetValue(port)), logs, cancellationToken);
            }
            catch (Exception e) when (e is RegistryException or IOException)
            {
                Console.Error.WriteLine($"bridge master: cannot start on {parse.GetValue(address)}:{parse.GetValue(port)}: {e.Message}");
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

    private static async Task<int> RunElectedAsync(MasterOptions options, string endpoints, int leaseTtl, string root, IPEndPoint endpoint,
        Microsoft.Extensions.Logging.ILoggerFactory logs, CancellationToken cancellationToken)
    {
        IReadOnlyList<Uri> urls;
        try
        {
            urls = EtcdClient.ParseEndpoints(endpoints);
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"bridge master: --etcd: {e.Message}");
            return 2;
        }
        if (leaseTtl is < 1 or > 3600)
        {
            Console.Error.WriteLine($"bridge master: --etcd-lease-ttl must be 1 to 3600 seconds, not {leaseTtl}");
            return 2;
        }
        if (!root.StartsWith('/'))
        {
            Console.Error.WriteLine($"bridge master: --etcd-prefix must start with /, not '{root}'");
            return 2;
        }
        using var client = new EtcdClient(urls);
        MasterServer started;
        try
        {
            started = await MasterServer.StartElectedAsync(options, new MasterElectionOptions(client, root, TimeSpan.FromSeconds(leaseTtl)), endpoint, logs, cancellationToken);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"bridge master: cannot start on {endpoint}: {e.Message}");
            return 1;
        }
        await using var master = started;
        Console.WriteLine($"master at {master.Address}, electing its leader in etcd {string.Join(",", urls)} under {root}/leader/ (lease TTL {leaseTtl} s)");
        await Shutdown.WaitAsync(cancellationToken);
        return 0;
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
